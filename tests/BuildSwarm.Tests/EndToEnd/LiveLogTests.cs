using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.EndToEnd;

[Collection(MultiProcessCollection.Name)]
public sealed class LiveLogTests
{
    [Fact]
    public async Task A_drone_ships_its_build_log_while_it_builds()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var script = Path.Combine(swarm.Root, "slow-builder.sh");
        await File.WriteAllTextAsync(script, $$"""
            #!/usr/bin/env bash
            for i in $(seq 1 12); do echo "compiling unit $i of $BUILDSWARM_CPV"; sleep 0.5; done
            exec "{{SwarmProcess.DemoBuilder}}"
            """.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        swarm.StartDrone("drone-a", $"'{script}'", builderEnvironment: new() { ["BUILDSWARM_DEMO_SECONDS"] = "0.1" });

        var submitted = await swarm.SubmitAsync(new SubmitBuildRequest([new PackageRequest("app-misc/slow-1.0")]));
        var jobId = (await swarm.BuildAsync(submitted.BuildId)).Jobs.Single().Id;

        // Lines show up while the job is still building, not only at the end.
        var whileBuilding = await Poll.UntilAsync(async () =>
        {
            using var response = await swarm.Http.GetAsync($"api/gateway/jobs/{jobId}/log");
            var text = await response.Content.ReadAsStringAsync();
            var state = response.Headers.GetValues("X-Job-State").Single();
            return text.Contains("compiling unit 2 of", StringComparison.Ordinal) && state == "building" ? text : null;
        }, TimeSpan.FromSeconds(60), "log lines while the job builds", () => swarm.Logs);
        Assert.DoesNotContain("compiling unit 12 of", whileBuilding, StringComparison.Ordinal);

        var build = await swarm.WaitForBuildAsync(submitted.BuildId, TimeSpan.FromMinutes(2));
        Assert.True(build.State == "done", swarm.Logs);
        var log = await swarm.Http.GetStringAsync($"api/gateway/jobs/{jobId}/log");
        Assert.Equal(12, log.Split('\n').Count(l => l.StartsWith("compiling unit", StringComparison.Ordinal)));

        // The drone reported power, and the gateway turned it into energy for the swarm.
        var status = await swarm.Http.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus);
        Assert.NotNull(status!.Drones.Single().Watts);
        Assert.Contains(status.Drones.Single().PowerSource, new[] { "rapl", "estimate" });
    }
}
