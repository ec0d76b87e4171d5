using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.EndToEnd;

[Collection(MultiProcessCollection.Name)]
public sealed class SweeperFlowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_package_that_fails_on_every_normal_drone_ends_stuck_until_a_sweeper_builds_it_serially()
    {
        await using var swarm = new LocalSwarm(new Dictionary<string, string> { ["BUILDSWARM_Gateway__Scheduling__MaxDistinctDrones"] = "2" });
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var builder = RecordingBuilder(swarm.Root);
        var broken = new Dictionary<string, string> { ["BUILDSWARM_DEMO_SECONDS"] = "0.2", ["BUILDSWARM_DEMO_FAIL"] = "^app-misc/hello-" };
        swarm.StartDrone("drone-a", builder, builderEnvironment: broken);
        swarm.StartDrone("drone-b", builder, builderEnvironment: broken);

        var submitted = await swarm.SubmitAsync(new SubmitBuildRequest(
        [
            new("app-misc/hello-1.0"),
            new("app-misc/world-2.0", ["app-misc/hello-1.0"]),
            new("app-misc/other-1.0"),
        ]));

        var stuck = await Poll.UntilAsync(async () =>
        {
            var build = await swarm.BuildAsync(submitted.BuildId);
            var jobs = build.Jobs.ToDictionary(j => j.Cpv);
            return jobs["app-misc/hello-1.0"].State == JobState.Stuck && jobs["app-misc/other-1.0"].State == JobState.Done ? build : null;
        }, Timeout, "hello to be stuck after failing on both drones", () => swarm.Logs);
        Assert.Equal("stalled", stuck.State); // no sweeper: nothing can move, and the build says why
        Assert.StartsWith("stuck: failed on drone-", stuck.Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").Reason, StringComparison.Ordinal);
        Assert.Contains("no sweeper is online", stuck.Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").Reason, StringComparison.Ordinal);
        Assert.Equal(2, stuck.Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").Attempts);
        Assert.Equal(JobState.Waiting, stuck.Jobs.Single(j => j.Cpv == "app-misc/world-2.0").State);

        swarm.StartDrone("sweeper", builder, slots: 4, builderEnvironment: new() { ["BUILDSWARM_DEMO_SECONDS"] = "0.2" }, role: "sweeper");
        // A sweeper joins: the build moves again, and ends done.
        var done = await Poll.UntilAsync(async () => await swarm.BuildAsync(submitted.BuildId) is { State: not ("running" or "stalled") } b ? b : null,
            Timeout, "the sweeper to save the build", () => swarm.Logs);

        Assert.True(done.State == "done", swarm.Logs);
        Assert.Equal("sweeper", done.Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").Drone);
        Assert.NotEqual("sweeper", done.Jobs.Single(j => j.Cpv == "app-misc/world-2.0").Drone); // a sweeper takes stuck jobs only
        var sweeperRun = File.ReadAllLines(Path.Combine(swarm.Root, "environments.log")).Single(l => l.StartsWith("app-misc/hello-1.0 serial=1", StringComparison.Ordinal));
        Assert.Equal("app-misc/hello-1.0 serial=1 makeopts=-j1 jobs=1 drone-env=absent", sweeperRun);
    }

    /// <summary>The demo builder, after writing down what the build's environment looked like.</summary>
    private static string RecordingBuilder(string directory)
    {
        var script = Path.Combine(directory, "record-environment-then-build.sh");
        File.WriteAllText(script, $$"""
            #!/usr/bin/env bash
            set -euo pipefail
            echo "$BUILDSWARM_CPV serial=${BUILDSWARM_SERIAL:-0} makeopts=${MAKEOPTS:-} jobs=${BUILDSWARM_JOBS:-} drone-env=${BUILDSWARM_Drone__Name:+present}${BUILDSWARM_Drone__Name:-absent}" >> "{{directory}}/environments.log"
            exec "{{SwarmProcess.DemoBuilder}}"
            """.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return $"'{script}'";
    }
}
