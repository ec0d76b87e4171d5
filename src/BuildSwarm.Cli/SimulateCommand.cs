using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Core.Scheduling.Simulation;
using Spectre.Console;

namespace BuildSwarm.Cli;

/// <summary><c>build-swarm simulate</c>: how scheduling policies would do on a build graph and a fleet.</summary>
internal static class SimulateCommand
{
    private const string AllPolicies = "all";

    public static Command Create()
    {
        var graph = new Option<FileInfo>("--graph")
        {
            Description = "graph.json: packages with reference-drone durations and dependencies",
            Required = true,
        };
        var fleet = new Option<FileInfo>("--fleet")
        {
            Description = "fleet.json: drones with cores, speed and site",
            Required = true,
        };
        var policy = new Option<string>("--policy")
        {
            Description = "heft, fifo or all",
            DefaultValueFactory = _ => AllPolicies,
        };
        policy.AcceptOnlyFromAmong([.. SchedulingPolicies.Names, AllPolicies]);
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };

        var command = new Command("simulate", "Simulate scheduling policies on a build graph and a fleet, against the lower bound");
        command.Options.Add(graph);
        command.Options.Add(fleet);
        command.Options.Add(policy);
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken ct) => RunAsync(
            parse.GetValue(graph)!, parse.GetValue(fleet)!, parse.GetValue(policy) ?? AllPolicies, parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo graphFile, FileInfo fleetFile, string policy, bool json, CancellationToken ct)
    {
        SimulationGraph graph;
        SimulationFleet fleet;
        try
        {
            graph = await ReadAsync(graphFile, SimulationInput.ReadGraphAsync, ct);
            fleet = await ReadAsync(fleetFile, SimulationInput.ReadFleetAsync, ct);
        }
        catch (CliException e)
        {
            Output.Error($"simulate: {e.Message}");
            return 1;
        }

        var names = policy == AllPolicies ? SchedulingPolicies.Names : [policy];
        var results = names.Select(name => Simulator.Run(graph, fleet, SchedulingPolicies.Get(name))).ToList();
        if (json)
        {
            Output.Line(JsonSerializer.Serialize<IReadOnlyList<SimulationResult>>(
                results, SimulationJsonContext.Default.IReadOnlyListSimulationResult));
        }
        else
        {
            Print(results, graph.Packages.Count);
        }

        return 0;
    }

    private static void Print(List<SimulationResult> results, int packages)
    {
        var bounds = results[0].Bounds;
        AnsiConsole.MarkupLine(Invariant(
            $"{packages} packages; lower bound [bold]{Duration(bounds.LowerBound)}[/] (critical path on the fastest drone {Duration(bounds.CriticalPath)}, work over capacity {Duration(bounds.WorkOverCapacity)})"));

        var summary = new Table().AddColumns("policy", "makespan", "lower bound", "ratio");
        foreach (var result in results)
        {
            summary.AddRow(result.Policy, Duration(result.Makespan), Duration(result.LowerBound), Invariant($"{result.Ratio:F3}"));
        }

        AnsiConsole.Write(summary);

        var drones = new Table().AddColumns("drone", "cores", "slots", "speed");
        foreach (var result in results)
        {
            drones.AddColumn($"{result.Policy} jobs");
            drones.AddColumn($"{result.Policy} utilisation");
        }

        for (var i = 0; i < results[0].Drones.Count; i++)
        {
            var drone = results[0].Drones[i];
            var cells = new List<string> { Markup.Escape(drone.Name), Invariant($"{drone.Cores}"), Invariant($"{drone.Slots}"), Invariant($"{drone.Speed:F2}") };
            foreach (var result in results)
            {
                cells.Add(Invariant($"{result.Drones[i].Jobs}"));
                cells.Add(Invariant($"{result.Drones[i].Utilisation:P0}"));
            }

            drones.AddRow([.. cells]);
        }

        AnsiConsole.Write(drones);
    }

    private static string Duration(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Round(seconds));
        return Invariant($"{(int)time.TotalHours}:{time.Minutes:D2}:{time.Seconds:D2}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads one input file; any failure becomes one line naming the file (and the line, for bad JSON).</summary>
    private static async Task<T> ReadAsync<T>(FileInfo file, Func<Stream, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        try
        {
            await using var stream = file.OpenRead();
            return await read(stream, ct);
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            message = cut > 0 ? message[..cut] : message;
            var where = e.LineNumber is { } line ? $"{file} line {line + 1}" : file.ToString();
            throw new CliException($"{where}: invalid JSON: {message}");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new CliException($"{file}: {e.Message}");
        }
    }
}
