using System.Text.RegularExpressions;

namespace BuildSwarm.Tests.Docs;

/// <summary>One route as docs/api.md lists it: the role that serves it, its method, path and whether it needs a credential.</summary>
public sealed record DocumentedRoute(string Role, string Method, string Path, bool NeedsToken, int Line)
{
    public override string ToString() => $"{Role} {Method} {Path} (docs/api.md:{Line}, {(NeedsToken ? "token" : "open")})";
}

/// <summary>Reads the route tables of docs/api.md.</summary>
public static partial class ApiDocRoutes
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"];

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BuildSwarm.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public static IReadOnlyList<DocumentedRoute> Read(string file)
    {
        var routes = new List<DocumentedRoute>();
        var role = "gateway";
        var sectionToken = false;
        var inTable = false;
        int? authColumn = null;
        int? pathColumn = null;
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                role = line.StartsWith("## Orchestrator", StringComparison.Ordinal) ? "orchestrator" : "gateway";
            }

            if (line.StartsWith('#') || line.EndsWith(':'))
            {
                // "### Orchestrators (cluster token)", "Admin (...):", "Upload (...; the lease id is the credential):".
                sectionToken = !line.Contains("no token", StringComparison.Ordinal)
                    && (line.Contains("token", StringComparison.Ordinal) || line.Contains("credential", StringComparison.Ordinal));
                continue;
            }

            if (!line.StartsWith('|'))
            {
                inTable = false;
                continue;
            }

            var cells = Cells(line);
            if (!inTable)
            {
                // The header row: only tables of methods and paths list routes.
                inTable = cells[0].Contains("method", StringComparison.OrdinalIgnoreCase);
                authColumn = cells.FindIndex(c => c.Equals("auth", StringComparison.OrdinalIgnoreCase)) is var a and >= 0 ? a : null;
                pathColumn = cells.FindIndex(c => c.Equals("Path", StringComparison.Ordinal)) is var p and >= 0 ? p : null;
                if (!inTable)
                {
                    while (i + 1 < lines.Length && lines[i + 1].Trim().StartsWith('|'))
                    {
                        i++;
                    }
                }

                continue;
            }

            if (cells[0].StartsWith('-'))
            {
                continue;
            }

            string[] methods;
            List<string> paths;
            if (pathColumn is { } column)
            {
                methods = cells[0].Split(',', StringSplitOptions.TrimEntries);
                paths = Code(cells[column]);
            }
            else
            {
                var first = Code(cells[0]);
                if (first.Count == 0 || first[0].Split(' ') is not [var m, var path])
                {
                    continue;
                }

                methods = m.Split('|');
                paths = [path, .. first.Skip(1).Select(c => c.Split(' ') is [_, var other] ? other : c)];
            }

            if (!methods.All(Methods.Contains))
            {
                continue;
            }

            var needsToken = authColumn is { } auth ? !IsOpen(cells[auth]) : sectionToken;
            foreach (var method in methods)
            {
                foreach (var path in paths.Where(x => x.StartsWith('/')))
                {
                    routes.Add(new DocumentedRoute(role, method, path, needsToken, i + 1));
                }
            }
        }

        return routes;
    }

    /// <summary>A concrete URL for a documented path: parameters get sample values, optional parts go.</summary>
    public static string Sample(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        path = query < 0 ? path : path[..query];
        path = OptionalPart().Replace(path, "");
        path = Alternatives().Replace(path, "stable");
        path = Placeholder().Replace(path, m => m.Value.Contains("id", StringComparison.OrdinalIgnoreCase) ? "7" : "sample");
        return path.Replace("[.gz]", "", StringComparison.Ordinal);
    }

    private static bool IsOpen(string auth) => auth is "—" or "-" or "" || auth.StartsWith("none", StringComparison.OrdinalIgnoreCase);

    private static List<string> Cells(string line) =>
        [.. CellSplit().Split(line.Trim().Trim('|')).Select(c => c.Trim().Replace("\\|", "|", StringComparison.Ordinal))];

    private static List<string> Code(string cell) => [.. CodeSpan().Matches(cell).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSplit();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\[<[^>]+>/\]")]
    private static partial Regex OptionalPart();

    [GeneratedRegex(@"<name\\?\|stable>")]
    private static partial Regex Alternatives();

    [GeneratedRegex(@"\{[^}]+\}|<[^>]+>")]
    private static partial Regex Placeholder();
}
