using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Drone.Control;
using BuildSwarm.Gateway.Remote;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Security;

/// <summary>
/// Issue 17 [high]: the cluster token let anyone hand a drone a control order straight at its orchestrator, skipping
/// the gateway's reboot policy. Control orders now pass only through the admin path: the orchestrator confirms each
/// one with the gateway, which issued it after <c>POST /api/command</c>.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class ControlOrderAuthTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_cluster_token_holder_cannot_make_a_drone_reboot_but_the_admin_path_still_reaches_it()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var marker = Path.Combine(swarm.Root, "rebooted");
        var drone = swarm.StartDrone("target", SwarmProcess.DemoBuilder, environment: new() { ["BUILDSWARM_Drone__RebootCommand"] = $"touch '{marker}'" });
        using var orchestrator = new HttpClient { BaseAddress = new Uri(swarm.OrchestratorUrl + "/") };
        orchestrator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", swarm.ClusterToken);
        var view = await Poll.UntilAsync(async () =>
            (await orchestrator.GetFromJsonAsync("api/orchestrator/status", SwarmJsonContext.Default.OrchestratorSync))!.Drones.FirstOrDefault(d => d.Name == "target" && d.State == "online"),
            Timeout, "the drone to heartbeat", () => swarm.Logs);
        await Poll.UntilAsync(async () =>
            (await swarm.Http.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Drones.Any(d => d.Name == "target" && d.State == "online"),
            Timeout, "the gateway to see the drone", () => swarm.Logs);

        // The attacker forges what the gateway would send, with the real node id.
        foreach (var action in new[] { "reboot", "restart" })
        {
            using var forged = await orchestrator.PostAsJsonAsync("api/orchestrator/control",
                new ControlDelivery(view.Id, new ControlOrder($"forged-{action}", action, view.Id), WaitSeconds: 3), SwarmJsonContext.Default.ControlDelivery);
            var text = await forged.Content.ReadAsStringAsync();
            Assert.True(forged.StatusCode == HttpStatusCode.Forbidden, $"{(int)forged.StatusCode}: {text}");
            Assert.Contains("admin path", text, StringComparison.Ordinal);
        }

        // Three heartbeats later the drone has run nothing and is still up.
        var before = view.LastSeen;
        await Poll.UntilAsync(async () =>
            (await orchestrator.GetFromJsonAsync("api/orchestrator/status", SwarmJsonContext.Default.OrchestratorSync))!.Drones.Single(d => d.Id == view.Id).LastSeen > before.AddSeconds(3),
            Timeout, "three more heartbeats", () => swarm.Logs);
        Assert.False(File.Exists(marker), "the forged reboot order ran on the drone");
        Assert.False(drone.HasExited, "the forged restart order made the drone exit");

        // The same channel works for the operator: a restart through POST /api/command reaches the drone's agent.
        using var admin = await swarm.Http.PostAsJsonAsync("api/command", new ControlCommand("restart", "target"), SwarmJsonContext.Default.ControlCommand);
        Assert.True(admin.IsSuccessStatusCode, await admin.Content.ReadAsStringAsync());
        Assert.Equal("drone", (await admin.Content.ReadFromJsonAsync(SwarmJsonContext.Default.ControlResult))!.Channel);
        Assert.Equal(DroneControl.RestartExitCode, await drone.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_confirmed_order_cannot_be_confirmed_twice_and_an_order_the_gateway_never_issued_is_refused()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var issued = gateway.App.Services.GetService(typeof(IssuedControlOrders)) as IssuedControlOrders;
        var delivery = new ControlDelivery("d-x", new ControlOrder("0123456789abcdef", "reboot", "d-x"));
        issued!.Issue(delivery);

        var altered = delivery with { Order = delivery.Order with { NodeId = "d-other" } };
        Assert.Equal(HttpStatusCode.Forbidden, await ConfirmAsync(gateway, altered));
        Assert.Equal(HttpStatusCode.OK, await ConfirmAsync(gateway, delivery));
        Assert.Equal(HttpStatusCode.Forbidden, await ConfirmAsync(gateway, delivery));
        using var anonymous = await gateway.Anonymous.PostAsJsonAsync("api/gateway/control/confirm", delivery, SwarmJsonContext.Default.ControlDelivery);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static async Task<HttpStatusCode> ConfirmAsync(InProcessGateway gateway, ControlDelivery delivery)
    {
        using var response = await gateway.Cluster.PostAsJsonAsync("api/gateway/control/confirm", delivery, SwarmJsonContext.Default.ControlDelivery);
        return response.StatusCode;
    }
}
