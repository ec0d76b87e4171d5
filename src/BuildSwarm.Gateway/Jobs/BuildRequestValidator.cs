using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>Checks a submission before anything is stored; errors are keyed by JSON field path.</summary>
public static class BuildRequestValidator
{
    public const int MaxPackages = 100_000;

    /// <summary>How many targets one drone may declare.</summary>
    public const int MaxTargets = TargetNames.MaxPerDrone;

    public static Dictionary<string, string[]> Validate(SubmitBuildRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Packages is null || request.Packages.Count == 0)
        {
            errors["packages"] = ["at least one package is required"];
            return errors;
        }

        if (request.Packages.Count > MaxPackages)
        {
            errors["packages"] = [$"at most {MaxPackages} packages per build"];
            return errors;
        }

        if (request.Target is { } target && !IsName(target))
        {
            errors["target"] = [$"'{target}' is not a target name (letters, digits, '.', '_', '-')"];
        }

        if (request.TreeSnapshot is { } tree && (tree.Length is 0 or > 200 || tree.Any(char.IsControl)))
        {
            errors["treeSnapshot"] = ["1 to 200 printable characters: the tree's metadata/timestamp.chk line or its git commit"];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Packages.Count; i++)
        {
            var package = request.Packages[i];
            if (package is null || !Cpv.TryParse(package.Cpv, out _))
            {
                errors[$"packages[{i}].cpv"] = [$"'{package?.Cpv}' is not a category/package-version (e.g. app-misc/hello-1.0)"];
                continue;
            }

            if (!seen.Add(package.Cpv!))
            {
                errors[$"packages[{i}].cpv"] = [$"'{package.Cpv}' is listed twice"];
            }

            var deps = package.Deps ?? [];
            for (var d = 0; d < deps.Count; d++)
            {
                if (!Cpv.TryParse(deps[d], out _))
                {
                    errors[$"packages[{i}].deps[{d}]"] = [$"'{deps[d]}' is not a category/package-version"];
                }
                else if (deps[d] == package.Cpv)
                {
                    errors[$"packages[{i}].deps[{d}]"] = ["a package cannot depend on itself"];
                }
            }
        }

        if (errors.Count == 0 && FindCycle(request.Packages) is { } cycle)
        {
            errors["packages"] = [$"dependency cycle among: {string.Join(", ", cycle)}"];
        }

        return errors;
    }

    public static bool IsName(string value) => TargetNames.IsValid(value);

    // Kahn's algorithm: iterative, so a 100,000-deep chain cannot overflow the stack.
    private static List<string>? FindCycle(IReadOnlyList<PackageRequest> packages)
    {
        var inBuild = packages.Select(p => p.Cpv!).ToHashSet(StringComparer.Ordinal);
        var pending = new Dictionary<string, int>(StringComparer.Ordinal);
        var dependants = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var package in packages)
        {
            var deps = (package.Deps ?? []).Where(inBuild.Contains).Distinct(StringComparer.Ordinal).ToList();
            pending[package.Cpv!] = deps.Count;
            foreach (var dep in deps)
            {
                (dependants.TryGetValue(dep, out var list) ? list : dependants[dep] = []).Add(package.Cpv!);
            }
        }

        var queue = new Queue<string>(pending.Where(kv => kv.Value == 0).Select(kv => kv.Key));
        while (queue.TryDequeue(out var node))
        {
            pending.Remove(node);
            foreach (var dependant in dependants.GetValueOrDefault(node) ?? [])
            {
                if (--pending[dependant] == 0)
                {
                    queue.Enqueue(dependant);
                }
            }
        }

        return pending.Count == 0 ? null : pending.Keys.Order(StringComparer.Ordinal).Take(5).ToList();
    }
}
