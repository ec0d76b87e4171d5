using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using BuildSwarm.Hosting.Configuration;
using BuildSwarm.Remote;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
namespace BuildSwarm.Cli.Push;

/// <summary><c>push</c>: roll the published build out to the online drones, in parallel, with rollback.</summary>
internal static class PushCommand
{
    private static readonly string[] Stages = ["connecting", "inspecting", "copying", "restarting", "rolling back"];

    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan (nodes, routes, release) without connecting" };
        var nodes = new Option<string?>("--nodes") { Description = "Comma-separated drone names (default: every online drone)" };
        var publishDir = new Option<string?>("--publish-dir") { Description = "dotnet publish output to copy (default Remote:PublishDir)" };
        var config = CommonOptions.Config();
        var gateway = CommonOptions.Gateway();
        var token = CommonOptions.Token();
        var data = CommonOptions.Data();
        var command = new Command("push", "Copy the published build to every online drone, restart it, and roll back nodes that do not come back healthy")
        {
            dryRun, nodes, publishDir, config, gateway, token, data,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = NodeConfiguration.Load(parse.GetValue(config), new Dictionary<string, string?> { ["Remote:PublishDir"] = parse.GetValue(publishDir) })
                .Section<RemoteOptions>("Remote");
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            var targets = await TargetsAsync(connection, parse.GetValue(nodes), ct);
            var version = await VersionAsync(options.PublishDir, ct);
            var stack = new RemoteKit(options, RouteMemory.FileIn(SwarmData.Locate(parse.GetValue(data))), NullLoggerFactory.Instance);
            if (parse.GetValue(dryRun))
            {
                ShowPlan(stack, options, targets, version);
                return 0;
            }

            var outcomes = await RunAsync(stack, options.PublishDir, version, targets, ct);
            ShowSummary(outcomes);
            return outcomes.All(o => o.Result == PushOutcome.Updated) ? 0 : 1;
        });
        return command;
    }

    private static async Task<IReadOnlyList<RemoteTarget>> TargetsAsync(GatewayConnection connection, string? names, CancellationToken ct)
    {
        Core.Contracts.SwarmStatus status;
        try
        {
            status = await connection.StatusAsync(ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach the gateway at {connection.Url}: {ex.Message}");
        }

        var online = status.Drones.Where(d => d.State != "offline").ToList();
        if (names is not null)
        {
            var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var missing = wanted.Where(n => online.All(d => d.Name != n)).ToList();
            if (missing.Count > 0)
            {
                throw new CliException($"not online (or unknown): {string.Join(", ", missing)}");
            }

            online = online.Where(d => wanted.Contains(d.Name)).ToList();
        }

        if (online.Count == 0)
        {
            throw new CliException("no online drones to push to");
        }

        return online.Select(d => new RemoteTarget(d.Name, d.Id, d.Address, d.Site, d.Kind)).ToList();
    }

    private static async Task<string> VersionAsync(string publishDir, CancellationToken ct)
    {
        try
        {
            return await PushRunner.PublishedVersionAsync(publishDir, ct);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException)
        {
            throw new CliException(ex.Message);
        }
    }

    public static async Task<IReadOnlyList<PushOutcome>> RunAsync(RemoteKit stack, string publishDir, string version, IReadOnlyList<RemoteTarget> targets, CancellationToken ct)
    {
        var outcomes = new ConcurrentBag<PushOutcome>();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bars = targets.ToDictionary(t => t.Name, t => progress.AddTask(Markup.Escape(t.Name), maxValue: Stages.Length));
                var report = new Progress<PushStage>(stage =>
                {
                    var bar = bars[stage.Drone];
                    bar.Description = Markup.Escape($"{stage.Drone}: {stage.Stage}");
                    bar.Value = Array.IndexOf(Stages, stage.Stage) + 1;
                });
                await Task.WhenAll(targets.Select(async target =>
                {
                    var outcome = await stack.Push.PushAsync(target, publishDir, version, report, ct);
                    outcomes.Add(outcome);
                    bars[target.Name].Description = Markup.Escape($"{target.Name}: {outcome.Result}");
                    bars[target.Name].Value = Stages.Length;
                }));
            });
        return outcomes.OrderBy(o => o.Drone, StringComparer.Ordinal).ToList();
    }

    private static void ShowPlan(RemoteKit stack, RemoteOptions options, IReadOnlyList<RemoteTarget> targets, string version)
    {
        AnsiConsole.MarkupLine($"Plan: push [bold]{Markup.Escape(version)}[/] from {Markup.Escape(Path.GetFullPath(options.PublishDir))} to {targets.Count} drone(s)");
        var table = Output.Table("Drone", "Node id", "Routes, in the order tried", "Release dir");
        foreach (var target in targets)
        {
            var install = (options.Host(target.Name).InstallDir ?? options.InstallDir).TrimEnd('/');
            var routes = stack.Routes.Candidates(target).Select(r => r.ToString()).ToList();
            table.Row(target.Name, target.NodeId, routes.Count == 0 ? "(none)" : string.Join(", ", routes), $"{install}/releases/{version}");
        }

        Output.Write(table);
        Output.Line("Then, on each drone: check node id, rsync, switch current, restart, check version; roll back if unhealthy");
    }

    private static void ShowSummary(IReadOnlyList<PushOutcome> outcomes)
    {
        var table = Output.Table("Drone", "Result", "Route", "Init", "Took", "Detail");
        foreach (var o in outcomes)
        {
            table.Row(o.Drone, o.Result, o.Route, o.Init, o.Took.TotalSeconds.ToString("0.0s", CultureInfo.InvariantCulture), o.Detail);
        }

        Output.Write(table);
        Output.Line($"{outcomes.Count(o => o.Result == PushOutcome.Updated)} of {outcomes.Count} drone(s) updated");
    }
}
