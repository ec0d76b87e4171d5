using System.CommandLine;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Planning;
using BuildSwarm.Core.Portage;
using BuildSwarm.Hosting.Portage;

namespace BuildSwarm.Cli;

/// <summary>
/// <c>plan</c>: reads <c>emerge --pretend --emptytree --verbose --tree SET</c> output, drops what the target's
/// binhost already has, and prints the build graph or submits it.
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var gateway = CommonOptions.Gateway();
        var token = CommonOptions.Token();
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var file = new Argument<string>("file") { Description = "emerge output to read; '-' or nothing reads stdin", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "-" };
        var target = new Option<string?>("--target") { Description = "Target to plan for (default: the gateway's default target)" };
        var submit = new Option<bool>("--submit") { Description = "Submit the plan as a build" };
        var priority = new Option<int>("--priority") { Description = "Higher runs first", DefaultValueFactory = _ => 0 };
        var tree = new TreeOptions();
        var command = new Command("plan", "Turn emerge --pretend --emptytree --verbose --tree output into a build graph")
        {
            file, gateway, token, data, target, submit, priority, json, tree.Snapshot, tree.Repo,
        };
        command.SetAction(async (parse, ct) =>
        {
            var text = await ReadInputAsync(parse.GetValue(file)!, ct);
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            var plan = await MakeAsync(text, connection, parse.GetValue(target), ct);
            var snapshot = await tree.ResolveAsync(parse, readRepo: true, ct);
            var request = ToRequest(plan, parse.GetValue(target), parse.GetValue(priority), snapshot);
            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(new PlanDocument(request.Target, snapshot, plan), PlanJsonContext.Default.PlanDocument));
            }
            else
            {
                Print(plan, snapshot);
            }

            if (!parse.GetValue(submit))
            {
                return 0;
            }

            var response = await SubmitAsync(connection, plan, request, ct);
            Output.Line(parse.GetValue(json) ? JsonSerializer.Serialize(response, SwarmJsonContext.Default.SubmitBuildResponse) : $"submitted {response.BuildId}: {response.Jobs} jobs, {response.Ready} ready");
            return 0;
        });
        return command;
    }

    /// <summary>Reads emerge output and drops the packages the target's binhost already publishes.</summary>
    public static async Task<BuildPlan> MakeAsync(string emergeOutput, GatewayConnection connection, string? target, CancellationToken cancellationToken)
    {
        var plan = BuildPlanner.Plan(EmergeOutputParser.Parse(emergeOutput));
        if (plan.Packages.Count == 0)
        {
            throw new UsageException("no [ebuild ...] lines found: give the output of emerge --pretend --emptytree --verbose --tree");
        }

        var (published, warning) = await PublishedAsync(connection, target, cancellationToken);
        plan = BuildPlanner.WithoutPublished(plan, published);
        return warning is null ? plan : plan with { Warnings = [.. plan.Warnings, warning] };
    }

    public static SubmitBuildRequest ToRequest(BuildPlan plan, string? target, int priority, string? treeSnapshot) =>
        new(plan.Packages.Select(p => new PackageRequest(p.Cpv, p.Deps)).ToList(), target, priority, treeSnapshot);

    public static async Task<SubmitBuildResponse> SubmitAsync(GatewayConnection connection, BuildPlan plan, SubmitBuildRequest request, CancellationToken cancellationToken)
    {
        if (!plan.HasTree && plan.Packages.Count > 1)
        {
            throw new UsageException("the emerge output has no --tree nesting, so the build order is unknown: run emerge with --tree");
        }

        if (request.Packages!.Count == 0)
        {
            throw new CliException("nothing to build: every package of the plan is already on the binhost");
        }

        return await connection.SubmitAsync(request, cancellationToken);
    }

    public static async Task<string> ReadInputAsync(string file, CancellationToken cancellationToken)
    {
        if (file == "-")
        {
            return await Console.In.ReadToEndAsync(cancellationToken);
        }

        return File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken) : throw new UsageException($"file '{file}' does not exist");
    }

    /// <summary>
    /// The CPVs in the target's binhost index: <c>/binhost/&lt;target&gt;/Packages</c>, else (for the default target)
    /// <c>/binhost/Packages</c>. An unreachable index drops nothing and says so.
    /// </summary>
    private static async Task<(IReadOnlySet<string> Published, string? Warning)> PublishedAsync(GatewayConnection connection, string? target, CancellationToken cancellationToken)
    {
        var paths = target is null or "default" ? new[] { "binhost/default/Packages", "binhost/Packages" } : [$"binhost/{Uri.EscapeDataString(target)}/Packages"];
        try
        {
            foreach (var path in paths)
            {
                using var response = await connection.Http.GetAsync(path, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var (_, packages) = PackagesIndex.Read(await response.Content.ReadAsStringAsync(cancellationToken));
                    return (packages.Select(p => p.GetValueOrDefault("CPV")).OfType<string>().ToHashSet(StringComparer.Ordinal), null);
                }
            }

            return (new HashSet<string>(), $"no binhost index for target '{target ?? "default"}' at {connection.Url}: nothing was left out as already published");
        }
        catch (HttpRequestException ex)
        {
            return (new HashSet<string>(), $"could not read the binhost index at {connection.Url} ({ex.Message}): nothing was left out as already published");
        }
    }

    private static void Print(BuildPlan plan, string? snapshot)
    {
        Output.Line($"{plan.Packages.Count} packages to build{(snapshot is null ? "" : $" on tree {snapshot}")}, in build order:");
        foreach (var package in plan.Packages)
        {
            var use = package.Variables.TryGetValue("USE", out var flags) && flags.Length > 0 ? $"  USE=\"{flags}\"" : "";
            Output.Line($"  {package.Cpv}{use}");
            foreach (var dep in package.Deps)
            {
                Output.Line($"    needs {dep}");
            }
        }

        foreach (var (title, items) in new[] { ("already published, left out", plan.Dropped), ("installed from existing binary packages", plan.Binaries), ("blockers", plan.Blockers), ("warnings", plan.Warnings) })
        {
            if (items.Count > 0)
            {
                Output.Line($"{title}:");
                foreach (var item in items)
                {
                    Output.Line($"  {item}");
                }
            }
        }
    }
}

/// <summary>What <c>plan --json</c> prints; its <c>packages</c>, <c>target</c> and <c>treeSnapshot</c> read as a submit body.</summary>
internal sealed record PlanDocument(
    string? Target,
    string? TreeSnapshot,
    IReadOnlyList<PlannedPackage> Packages,
    IReadOnlyList<string> Dropped,
    IReadOnlyList<string> Binaries,
    IReadOnlyList<string> Blockers,
    IReadOnlyList<string> Warnings,
    bool HasTree)
{
    public PlanDocument(string? target, string? treeSnapshot, BuildPlan plan)
        : this(target, treeSnapshot, plan.Packages, plan.Dropped, plan.Binaries, plan.Blockers, plan.Warnings, plan.HasTree)
    {
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(PlanDocument))]
internal sealed partial class PlanJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>The Portage tree a plan was made on: given, or read from the local repository.</summary>
internal sealed class TreeOptions
{
    public Option<string?> Snapshot { get; } = new("--tree-snapshot") { Description = "Portage tree snapshot to record (default with a plan: read from --repo)" };

    public Option<string?> Repo { get; } = new("--repo") { Description = "Portage repository whose snapshot a plan records (default /var/db/repos/gentoo when it exists)" };

    public async Task<string?> ResolveAsync(ParseResult parse, bool readRepo, CancellationToken cancellationToken)
    {
        if (parse.GetValue(Snapshot) is { Length: > 0 } given)
        {
            return given;
        }

        var repo = parse.GetValue(Repo) ?? "/var/db/repos/gentoo";
        return readRepo && Directory.Exists(repo) ? await TreeSnapshot.ReadAsync(repo, cancellationToken) : null;
    }
}
