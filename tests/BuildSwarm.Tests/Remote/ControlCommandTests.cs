using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Remote;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Remote;

/// <summary><c>POST /api/command</c>: the reboot policy and refusals, checked before anything connects anywhere.</summary>
public sealed class ControlCommandTests
{
    [Fact]
    public async Task Rebooting_a_drone_at_the_gateways_own_address_is_refused_even_when_forced()
    {
        await using var gateway = await StartWithDronesAsync(o => o.Hosts["selfie"] = new RemoteHostOptions { Kind = "vm" },
            Drone("selfie", "127.0.0.1"));

        using var response = await gateway.Admin.PostAsJsonAsync("api/command", new ControlCommand("reboot", "selfie", Force: true),
            SwarmJsonContext.Default.ControlCommand, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var detail = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("127.0.0.1", detail);
        Assert.Contains("never reboots", detail);
    }

    [Fact]
    public async Task Rebooting_a_drone_not_marked_as_vm_or_container_needs_force()
    {
        await using var gateway = await StartWithDronesAsync(_ => { }, Drone("iron", "192.0.2.10", kind: "metal"));

        using var response = await gateway.Admin.PostAsJsonAsync("api/command", new ControlCommand("reboot", "iron"),
            SwarmJsonContext.Default.ControlCommand, TestContext.Current.CancellationToken);
        var alerts = await gateway.Anonymous.GetFromJsonAsync("api/gateway/alerts?all=true", SwarmJsonContext.Default.IReadOnlyListControlEvent,
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("--force", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Empty(alerts!);
    }

    [Theory]
    [InlineData("""{"action":"shutdown","drone":"iron"}""", HttpStatusCode.BadRequest, "action")]
    [InlineData("""{"action":"restart","drone":""}""", HttpStatusCode.BadRequest, "drone")]
    [InlineData("""{"action":"restart","drone":"nobody"}""", HttpStatusCode.NotFound, "nobody")]
    [InlineData("""{"action":"restart","drone":"iron","force":"yes"}""", HttpStatusCode.BadRequest, "force")]
    public async Task Bad_commands_get_problem_details_and_change_nothing(string body, HttpStatusCode status, string mentions)
    {
        await using var gateway = await StartWithDronesAsync(_ => { }, Drone("iron", "192.0.2.10", kind: "metal"));

        using var response = await gateway.Admin.PostAsync("api/command", new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(mentions, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Commands_need_the_admin_token()
    {
        await using var gateway = await StartWithDronesAsync(_ => { }, Drone("iron", "192.0.2.10"));

        using var anonymous = await gateway.Anonymous.PostAsJsonAsync("api/command", new ControlCommand("restart", "iron"),
            SwarmJsonContext.Default.ControlCommand, TestContext.Current.CancellationToken);
        using var cluster = await gateway.Cluster.PostAsJsonAsync("api/command", new ControlCommand("restart", "iron"),
            SwarmJsonContext.Default.ControlCommand, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, cluster.StatusCode);
    }

    private static DroneView Drone(string name, string address, string state = "offline", string? kind = null) =>
        new("d-" + name, name, "lab", 4, 1024, 1, state, address, [], DateTimeOffset.UtcNow, Kind: kind);

    /// <summary>A gateway whose fleet is what one pretend orchestrator reports (its URL is never called for offline drones).</summary>
    private static async Task<InProcessGateway> StartWithDronesAsync(Action<RemoteOptions> remote, params DroneView[] drones)
    {
        var gateway = await InProcessGateway.StartAsync(o => remote(o.Remote));
        using var registered = await gateway.Cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration("orch", "lab", "http://127.0.0.1:9"), SwarmJsonContext.Default.OrchestratorRegistration);
        var id = (await registered.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
        using var synced = await gateway.Cluster.PostAsJsonAsync($"api/gateway/orchestrators/{id}/sync", new OrchestratorSync(drones),
            SwarmJsonContext.Default.OrchestratorSync);
        synced.EnsureSuccessStatusCode();
        return gateway;
    }
}
