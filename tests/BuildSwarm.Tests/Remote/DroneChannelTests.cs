using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Drone.Control;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Remote;

[Collection(MultiProcessCollection.Name)]
public sealed class DroneChannelTests
{
    [Fact]
    public async Task A_restart_of_a_heartbeating_drone_goes_through_its_own_agent_which_exits_for_its_service_manager()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var drone = swarm.StartDrone("chan", SwarmProcess.DemoBuilder);
        await Poll.UntilAsync(async () =>
            (await swarm.Http.GetFromJsonAsync($"{swarm.GatewayUrl}/api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Drones.Any(d => d.Name == "chan" && d.State == "online"),
            TimeSpan.FromSeconds(20), "drone online", () => swarm.Logs);

        using var response = await swarm.Http.PostAsJsonAsync($"{swarm.GatewayUrl}/api/command", new ControlCommand("restart", "chan"),
            SwarmJsonContext.Default.ControlCommand, TestContext.Current.CancellationToken);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var result = await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.ControlResult, TestContext.Current.CancellationToken);
        Assert.Equal("drone", result!.Channel);
        Assert.Equal(DroneControl.RestartExitCode, await drone.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }
}
