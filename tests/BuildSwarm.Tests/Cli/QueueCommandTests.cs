using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Cli;

/// <summary>`up` as a new user runs it: a package that fails everywhere ends the build, and the queue commands steer it.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class QueueCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Submit_wait_of_a_package_that_fails_everywhere_exits_1_with_the_reasons_and_the_queue_commands_steer_the_build()
    {
        using var dir = new TempDir();
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        await using var up = SwarmProcess.Start("up", ["up", "--port", port, "--drones", "1"], new Dictionary<string, string>
        {
            ["BUILDSWARM_Drone__Builder__Environment__BUILDSWARM_DEMO_SECONDS"] = "0.05",
            ["BUILDSWARM_Drone__Builder__Environment__BUILDSWARM_DEMO_FAIL"] = "^app-misc/hello-",
        }, workingDirectory: dir.Path);
        var status = await Poll.UntilAsync(async () =>
        {
            var (code, output) = await RunAsync(dir.Path, null, "status", "--json");
            return code == 0 && JsonSerializer.Deserialize(output, SwarmJsonContext.Default.SwarmStatus) is { DronesOnline: 2 } s ? s : null;
        }, TimeSpan.FromSeconds(90), "the drone and the sweeper of up to come online", () => up.Output);
        Assert.Contains(status.Drones, d => d.Role == DroneRole.Sweeper);
        var drone = status.Drones.Single(d => d.Role == DroneRole.Normal).Name;

        var deps = Path.Combine(dir.Path, "deps.txt");
        await File.WriteAllTextAsync(deps, "app-misc/hello-1.0:\napp-misc/world-2.0: app-misc/hello-1.0\napp-misc/other-1.0:\n");
        var (waitCode, waited) = await RunAsync(dir.Path, null, "submit", "--deps", deps, "--wait");
        Assert.True(waitCode == 1, waited);
        var buildId = waited.Split('\n')[0].Trim();
        Assert.Contains($"build {buildId} stalled: nothing can move any more", waited, StringComparison.Ordinal);
        Assert.Matches(@"app-misc/hello-1\.0 \(job \d+\): broken: failed on [^\n]*drone-1, [^\n]*sweeper-1: builder exited with code", waited);
        Assert.Matches(@"app-misc/world-2\.0 \(job \d+\): blocked by app-misc/hello-1\.0", waited);
        Assert.DoesNotContain("other-1.0 (job", waited, StringComparison.Ordinal); // done, nothing to say

        // builds list / show at 80 columns: one line per row, nothing wider than the terminal.
        var list = await OkAsync(dir.Path, "80", "builds", "list");
        Assert.Contains("stalled", list, StringComparison.Ordinal);
        AssertFits(list, 80, rows: 1);
        var show = await OkAsync(dir.Path, "80", "builds", "show", buildId);
        AssertFits(show.Split('\n', 2)[1], 80, rows: 3);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(show, @"│ blocked by app-\S*… *│"), show); // cut with an ellipsis, not wrapped
        var json = JsonSerializer.Deserialize(await OkAsync(dir.Path, null, "builds", "show", buildId, "--json"), SwarmJsonContext.Default.BuildView)!;
        Assert.Equal("blocked by app-misc/hello-1.0", json.Jobs.Single(j => j.Cpv == "app-misc/world-2.0").Reason); // --json is whole

        var (cancelCode, cancelled) = await RunAsync(dir.Path, null, "builds", "cancel", buildId);
        Assert.Equal(1, cancelCode);
        Assert.Equal($"build-swarm: could not cancel build {buildId} (409): build {buildId} has no job left to cancel", cancelled.Trim());
        var (usageCode, usage) = await RunAsync(dir.Path, null, "jobs", "retry", "abc");
        Assert.Equal((2, "build-swarm: retry: 'abc' is not a job id (a number, as 'builds show' lists it)"), (usageCode, usage.Trim()));

        // Paused: a new build waits; resumed, it is built.
        Assert.Contains("swarm paused", await OkAsync(dir.Path, null, "swarm", "pause"), StringComparison.Ordinal);
        Assert.True(JsonSerializer.Deserialize(await OkAsync(dir.Path, null, "status", "--json"), SwarmJsonContext.Default.SwarmStatus)!.Paused);
        var next = (await OkAsync(dir.Path, null, "submit", "app-misc/next-1.0")).Trim();
        Assert.Contains("swarm resumed", await OkAsync(dir.Path, null, "swarm", "resume"), StringComparison.Ordinal);
        Assert.Contains("done: 1 done", await OkAsync(dir.Path, null, "submit", "app-misc/after-1.0", "--wait"), StringComparison.Ordinal);
        await Poll.UntilAsync(async () => (await OkAsync(dir.Path, null, "builds", "show", next, "--json")).Contains("\"state\":\"done\"", StringComparison.Ordinal),
            Timeout, "the build submitted while paused to be built", () => up.Output);

        Assert.Equal($"{drone}: at most 1 cores (now online)", (await OkAsync(dir.Path, null, "drones", "limit", drone, "--cores", "1")).Trim());
        Assert.Equal(1, JsonSerializer.Deserialize(await OkAsync(dir.Path, null, "status", "--json"), SwarmJsonContext.Default.SwarmStatus)!.Drones.Single(d => d.Name == drone).CoreLimit);
        Assert.Contains("no core limit", await OkAsync(dir.Path, null, "drones", "limit", drone, "--none"), StringComparison.Ordinal);

        // Retried, the build runs again: its broken job gets fresh attempts (and fails again, on purpose).
        Assert.Contains("2 jobs retried", await OkAsync(dir.Path, null, "builds", "retry", buildId), StringComparison.Ordinal);
        var (again, retried) = await RunAsync(dir.Path, null, "submit", "app-misc/noop-1.0", "--wait");
        Assert.Equal(0, again);
        Assert.Contains("done", retried, StringComparison.Ordinal);
    }

    /// <summary>Every line within the width, and a table of <paramref name="rows"/> rows in rows + 4 lines (borders, header): no cell wrapped.</summary>
    private static void AssertFits(string output, int width, int rows)
    {
        var lines = output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} columns: {l}"));
        Assert.True(lines.Count == rows + 4, string.Join('\n', lines));
    }

    private static async Task<(int Code, string Output)> RunAsync(string workingDirectory, string? columns, params string[] args)
    {
        await using var cli = SwarmProcess.Start("cli", args, columns is null ? null : new Dictionary<string, string> { ["COLUMNS"] = columns }, workingDirectory);
        var code = await cli.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (code, cli.Output);
    }

    private static async Task<string> OkAsync(string workingDirectory, string? columns, params string[] args)
    {
        var (code, output) = await RunAsync(workingDirectory, columns, args);
        Assert.True(code == 0, $"build-swarm {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }
}
