using System.Diagnostics;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>Primary and secondary orchestrators of one site, found through discovery.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class FailoverTests
{
    [Fact]
    public async Task Killing_the_primary_moves_its_drones_to_the_secondary_and_the_build_completes_once()
    {
        await using var swarm = new LocalSwarm(new Dictionary<string, string> { ["BUILDSWARM_Gateway__LeaseSeconds"] = "30" });
        await swarm.StartGatewayAsync();
        var primaryPort = FreePort.Next();
        var secondaryPort = FreePort.Next();
        var primary = await swarm.StartOrchestratorAsync("lab-primary", primaryPort, "primary");
        await swarm.StartOrchestratorAsync("lab-secondary", secondaryPort, "secondary");
        await Poll.UntilAsync(async () =>
        {
            var directory = await swarm.Http.GetFromJsonAsync("api/gateway/orchestrators", SwarmJsonContext.Default.OrchestratorDirectory);
            var lab = directory!.Sites.SingleOrDefault(s => s.Site == "lab");
            return lab?.Primary?.Healthy == true && lab.Secondary?.Healthy == true;
        }, TimeSpan.FromSeconds(30), "discovery to list the primary and the secondary", () => swarm.Logs);

        // Drones know only the gateway: discovery sends them to the primary.
        var discovery = new Dictionary<string, string>
        {
            ["BUILDSWARM_Drone__OrchestratorUrl"] = "",
            ["BUILDSWARM_Drone__GatewayUrl"] = swarm.GatewayUrl,
            ["BUILDSWARM_Drone__Site"] = "lab",
        };
        var demo = new Dictionary<string, string> { ["BUILDSWARM_DEMO_SECONDS"] = "1.5" };
        swarm.StartDrone("drone-a", SwarmProcess.DemoBuilder, builderEnvironment: demo, environment: discovery);
        swarm.StartDrone("drone-b", SwarmProcess.DemoBuilder, builderEnvironment: demo, environment: discovery);
        await Poll.UntilAsync(async () => (await DronesAtAsync(primaryPort)).Count == 2, TimeSpan.FromSeconds(60), "both drones at the primary", () => swarm.Logs);

        var packages = Enumerable.Range(1, 8).Select(i => new PackageRequest($"app-misc/leaf{i}-1.0")).ToList();
        var submitted = await swarm.SubmitAsync(new SubmitBuildRequest(packages));
        await Poll.UntilAsync(async () => (await swarm.BuildAsync(submitted.BuildId)).Jobs.Count(j => j.State == JobState.Done) >= 2,
            TimeSpan.FromSeconds(60), "a first jobs to be done", () => swarm.Logs);

        await primary.KillAsync();
        var clock = Stopwatch.StartNew();
        await Poll.UntilAsync(async () => (await DronesAtAsync(secondaryPort)).Count(d => d.State is "online" or "building") == 2,
            TimeSpan.FromSeconds(60), "both drones to re-home to the secondary", () => swarm.Logs);
        var rehomed = clock.Elapsed;

        var build = await swarm.WaitForBuildAsync(submitted.BuildId, TimeSpan.FromMinutes(2));
        Assert.True(build.State == "done", swarm.Logs);
        Assert.All(build.Jobs, j => Assert.Equal(JobState.Done, j.State));
        // The index is rewritten just after the last job's commit; each package appears in it once.
        await Poll.UntilAsync(async () =>
        {
            var cpvs = (await swarm.Http.GetStringAsync("binhost/Packages")).Split('\n').Where(l => l.StartsWith("CPV: ", StringComparison.Ordinal)).ToList();
            Assert.Equal(cpvs.Count, cpvs.Distinct(StringComparer.Ordinal).Count());
            return cpvs.Count == packages.Count;
        }, TimeSpan.FromSeconds(20), "every package in the binhost index", () => swarm.Logs);
        Assert.True(rehomed < OrchestratorCache, $"re-homing took {rehomed}");
        TestContext.Current.TestOutputHelper?.WriteLine($"drones re-homed {rehomed.TotalSeconds:0.0}s after the primary was killed");
    }

    private static readonly TimeSpan OrchestratorCache = TimeSpan.FromSeconds(60);

    private static async Task<IReadOnlyList<DroneView>> DronesAtAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var status = await http.GetFromJsonAsync($"http://127.0.0.1:{port}/api/orchestrator/status", SwarmJsonContext.Default.OrchestratorSync);
        return status!.Drones;
    }
}
