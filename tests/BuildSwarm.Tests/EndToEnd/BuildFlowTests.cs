using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Portage;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.EndToEnd;

[Collection(MultiProcessCollection.Name)]
public sealed class BuildFlowTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Three_roles_as_separate_processes_build_a_graph_in_dependency_order()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var builder = Graphs.DependencyCheckingBuilder(swarm.Root, swarm.GatewayUrl);
        var demo = new Dictionary<string, string> { ["BUILDSWARM_DEMO_SECONDS"] = "0.2" };
        swarm.StartDrone("drone-a", builder, builderEnvironment: demo);
        swarm.StartDrone("drone-b", builder, builderEnvironment: demo);

        var graph = Graphs.TenPackages();
        var submitted = await swarm.SubmitAsync(graph);
        Assert.Equal(10, submitted.Jobs);
        Assert.Equal(3, submitted.Ready); // zlib, xz-utils and hello have no dependencies

        var build = await swarm.WaitForBuildAsync(submitted.BuildId, BuildTimeout);

        Assert.True(build.State == "done", swarm.Logs);
        Assert.All(build.Jobs, job =>
        {
            Assert.Equal(JobState.Done, job.State);
            Assert.Equal(0, job.Attempts); // the dependency-checking builder never failed
        });

        var order = await File.ReadAllLinesAsync(Path.Combine(swarm.Root, "build-order.log"));
        Assert.Equal(10, order.Length);
        foreach (var package in graph.Packages!)
        {
            foreach (var dep in package.Deps!)
            {
                Assert.True(Array.IndexOf(order, dep) < Array.IndexOf(order, package.Cpv), $"{package.Cpv} was built before its dependency {dep}");
            }
        }

        var (_, entries) = PackagesIndex.Read(await swarm.Http.GetStringAsync("binhost/Packages"));
        Assert.Equal(graph.Packages!.Select(p => p.Cpv!).Order(StringComparer.Ordinal), entries.Select(e => e["CPV"]).Order(StringComparer.Ordinal));
        foreach (var entry in entries)
        {
            var bytes = await swarm.Http.GetByteArrayAsync($"binhost/{entry["PATH"]}");
            Assert.Equal(long.Parse(entry["SIZE"], System.Globalization.CultureInfo.InvariantCulture), bytes.LongLength);
            Assert.Equal(entry["MD5"], Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes)));
        }

        // Both drones took part: work is spread, not queued on one.
        var builtBy = build.Jobs.Select(j => j.Drone).Distinct().ToList();
        Assert.Contains("drone-a", builtBy);
        Assert.Contains("drone-b", builtBy);
    }

    [Fact]
    public async Task Gateway_killed_mid_build_restarts_and_publishes_every_package_exactly_once()
    {
        await using var swarm = new LocalSwarm(new Dictionary<string, string> { ["BUILDSWARM_Gateway__LeaseSeconds"] = "15" });
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var demo = new Dictionary<string, string> { ["BUILDSWARM_DEMO_SECONDS"] = "0.7" };
        swarm.StartDrone("drone-a", $"'{SwarmProcess.DemoBuilder}'", slots: 2, builderEnvironment: demo);
        swarm.StartDrone("drone-b", $"'{SwarmProcess.DemoBuilder}'", slots: 2, builderEnvironment: demo);

        var submitted = await swarm.SubmitAsync(Graphs.TenPackages());
        await Poll.UntilAsync(async () =>
        {
            var build = await swarm.BuildAsync(submitted.BuildId);
            return build.Counts.GetValueOrDefault("done") >= 2;
        }, BuildTimeout, "two packages to be published", () => swarm.Logs);

        await swarm.Gateway!.KillAsync();
        var before = await swarm.BuildAsync(submitted.BuildId).ContinueWith(t => t.IsFaulted ? null : t.Result);
        Assert.Null(before); // really down

        await swarm.StartGatewayAsync();
        var final = await swarm.WaitForBuildAsync(submitted.BuildId, BuildTimeout);

        Assert.True(final.State == "done", swarm.Logs);
        var (_, entries) = PackagesIndex.Read(await swarm.Http.GetStringAsync("binhost/Packages"));
        Assert.Equal(10, entries.Count);
        Assert.Equal(10, entries.Select(e => e["CPV"]).Distinct().Count());
        Assert.All(entries, e => Assert.Equal("1", e["BUILD_ID"]));
        var files = Directory.GetFiles(Path.Combine(swarm.GatewayData, "binhost", "default"), "*.gpkg.tar", SearchOption.AllDirectories);
        Assert.Equal(10, files.Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(swarm.GatewayData, "binhost", ".incoming")));
        Assert.False(swarm.Orchestrator!.HasExited);
        Assert.All(swarm.Drones, d => Assert.False(d.HasExited));
    }
}
