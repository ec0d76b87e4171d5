using System.CommandLine;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Cli;

/// <summary><c>submit</c>: send packages and their dependency edges to the gateway.</summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var gateway = CommonOptions.Gateway();
        var token = CommonOptions.Token();
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var cpvs = new Argument<string[]>("cpv") { Description = "Packages to build, e.g. app-misc/hello-1.0", Arity = ArgumentArity.ZeroOrMore };
        var deps = new Option<FileInfo?>("--deps") { Description = "Dependency file: lines 'CPV: DEP DEP...', or JSON like the submit API body" };
        var wait = new Option<bool>("--wait") { Description = "Follow the build until it ends; exit 0 only if every job is done" };
        var target = new Option<string?>("--target") { Description = "Target to build for" };
        var priority = new Option<int>("--priority") { Description = "Higher runs first", DefaultValueFactory = _ => 0 };
        var plan = new Option<string?>("--plan") { Description = "emerge --pretend --emptytree --verbose --tree output to plan and submit (see 'plan'); '-' reads stdin" };
        var tree = new TreeOptions();
        var command = new Command("submit", "Submit a build") { cpvs, gateway, token, data, deps, wait, target, priority, json, plan, tree.Snapshot, tree.Repo };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            SubmitBuildResponse response;
            if (parse.GetValue(plan) is { } planFile)
            {
                var made = await PlanCommand.MakeAsync(await PlanCommand.ReadInputAsync(planFile, ct), connection, parse.GetValue(target), ct);
                var request = PlanCommand.ToRequest(made, parse.GetValue(target), parse.GetValue(priority), await tree.ResolveAsync(parse, readRepo: true, ct));
                response = await PlanCommand.SubmitAsync(connection, made, request, ct);
            }
            else
            {
                var packages = await ReadPackagesAsync(parse.GetValue(cpvs) ?? [], parse.GetValue(deps), ct);
                if (packages.Count == 0)
                {
                    throw new UsageException("name at least one package (CPV), or give --deps FILE or --plan FILE");
                }

                var snapshot = await tree.ResolveAsync(parse, readRepo: false, ct);
                response = await connection.SubmitAsync(new SubmitBuildRequest(packages, parse.GetValue(target), parse.GetValue(priority), snapshot), ct);
            }

            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(response, SwarmJsonContext.Default.SubmitBuildResponse));
            }
            else
            {
                Output.Line(response.BuildId);
            }

            return parse.GetValue(wait) ? await WaitAsync(connection, response.BuildId, ct) : 0;
        });
        return command;
    }

    /// <summary>Merges CPVs from the command line with the dependency file; the file may add packages.</summary>
    public static async Task<List<PackageRequest>> ReadPackagesAsync(IReadOnlyList<string> cpvs, FileInfo? depsFile, CancellationToken cancellationToken)
    {
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var cpv in cpvs)
        {
            edges.TryAdd(cpv, []);
        }

        if (depsFile is not null)
        {
            if (!depsFile.Exists)
            {
                throw new UsageException($"--deps: file '{depsFile.FullName}' does not exist");
            }

            var text = await File.ReadAllTextAsync(depsFile.FullName, cancellationToken);
            foreach (var (cpv, deps) in ParseDeps(text, depsFile.Name))
            {
                (edges.TryGetValue(cpv, out var list) ? list : edges[cpv] = []).AddRange(deps);
            }
        }

        foreach (var cpv in edges.Keys.Where(c => !Cpv.TryParse(c, out _)))
        {
            throw new UsageException($"'{cpv}' is not a category/package-version (e.g. app-misc/hello-1.0)");
        }

        return edges.Select(e => new PackageRequest(e.Key, e.Value.Distinct(StringComparer.Ordinal).ToList())).ToList();
    }

    private static IEnumerable<(string Cpv, IReadOnlyList<string> Deps)> ParseDeps(string text, string name)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            SubmitBuildRequest? request;
            try
            {
                request = JsonSerializer.Deserialize(text, SwarmJsonContext.Default.SubmitBuildRequest);
            }
            catch (JsonException ex)
            {
                throw new UsageException($"--deps: {name} is not valid JSON: {ex.Message}");
            }

            foreach (var package in request?.Packages ?? [])
            {
                yield return (package.Cpv ?? "", package.Deps ?? []);
            }

            yield break;
        }

        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new UsageException($"--deps: {name} line {number}: expected 'CPV: DEP DEP...'");
            }

            yield return (line[..colon].Trim(), line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
    }

    /// <summary>Polls the build until no job can move any more; prints progress as it changes.</summary>
    public static async Task<int> WaitAsync(GatewayConnection connection, string buildId, CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            BuildView build;
            try
            {
                build = await connection.BuildAsync(buildId, cancellationToken);
            }
            catch (HttpRequestException)
            {
                // The gateway may be restarting; its state is durable, so keep following.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                continue;
            }

            var line = $"{build.State}: " + string.Join(", ", build.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"));
            if (line != last)
            {
                Output.Line(line);
                last = line;
            }

            if (build.State != "running")
            {
                if (build.State == "stalled")
                {
                    Output.Line($"build {build.BuildId} stalled: nothing can move any more (see 'build-swarm builds show {build.BuildId}'; 'builds retry' or 'jobs retry' restart it)");
                }

                foreach (var job in build.Jobs.Where(j => j.State != JobState.Done))
                {
                    Output.Line($"  {job.Cpv} (job {job.Id}): {job.Reason ?? $"{job.State.ToWire()} {job.Error}".TrimEnd()}");
                }

                return build.State == "done" ? 0 : 1;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }
}

/// <summary>A usage error: the CLI exits 2.</summary>
public sealed class UsageException(string message) : Exception(message);
