using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>Plays an orchestrator against the gateway's real cluster API: register, then report drones.</summary>
public static class FleetSync
{
    public static async Task<string> RegisterAsync(HttpClient cluster, string site, string name = "orch")
    {
        using var response = await cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration(name, site, "http://127.0.0.1:1"), SwarmJsonContext.Default.OrchestratorRegistration);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
    }

    public static async Task SyncAsync(HttpClient cluster, string orchestratorId, params DroneView[] drones)
    {
        using var response = await cluster.PostAsJsonAsync($"api/gateway/orchestrators/{orchestratorId}/sync", new OrchestratorSync(drones), SwarmJsonContext.Default.OrchestratorSync);
        response.EnsureSuccessStatusCode();
    }

    public static DroneView Drone(string id, string name, int cores, string state = "online", double? watts = null, IReadOnlyList<string>? jobs = null, string site = "site-a") =>
        new(id, name, site, cores, 8192, 1, state, "10.0.0." + cores, jobs ?? [], DateTimeOffset.UtcNow, watts, watts is null ? null : "estimate");
}
