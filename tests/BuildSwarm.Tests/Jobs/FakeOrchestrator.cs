using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Jobs;

/// <summary>An orchestrator played by the test over the gateway's real cluster API: reports drones, leases and reports for them.</summary>
public sealed class FakeOrchestrator(InProcessGateway gateway)
{
    private readonly Dictionary<string, DroneView> _drones = new(StringComparer.Ordinal);

    public string Id { get; private set; } = "";

    public static async Task<FakeOrchestrator> StartAsync(InProcessGateway gateway, params (string Name, int Cores, int Slots, DroneRole Role)[] drones)
    {
        var orchestrator = new FakeOrchestrator(gateway);
        foreach (var (name, cores, slots, role) in drones)
        {
            orchestrator._drones[name] = new DroneView($"id-{name}", name, "lab", cores, 16384, slots, "online", "127.0.0.1", [], DateTimeOffset.UtcNow, Role: role);
        }

        await gateway.AdmitAsync([.. orchestrator._drones.Values.Select(d => d.Id)]);
        await orchestrator.SyncAsync();
        return orchestrator;
    }

    /// <summary>Registers (again, e.g. after a gateway restart) and reports the drones.</summary>
    public async Task SyncAsync()
    {
        using var register = await gateway.Cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration("fake-orchestrator", "lab", "http://127.0.0.1:1"), SwarmJsonContext.Default.OrchestratorRegistration);
        register.EnsureSuccessStatusCode();
        Id = (await register.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
        using var sync = await gateway.Cluster.PostAsJsonAsync($"api/gateway/orchestrators/{Id}/sync", new OrchestratorSync(_drones.Values.ToList()),
            SwarmJsonContext.Default.OrchestratorSync);
        sync.EnsureSuccessStatusCode();
    }

    public static string DroneId(string name) => $"id-{name}";

    /// <summary>Asks for one job for drone <paramref name="name"/>; null when the gateway has none for it.</summary>
    public async Task<JobLease?> LeaseAsync(string name)
    {
        var drone = _drones[name];
        using var response = await gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease",
            new LeaseRequest(Id, drone.Id, name, 1, Role: drone.Role, Cores: drone.Cores, Slots: drone.Slots), SwarmJsonContext.Default.LeaseRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases.SingleOrDefault();
    }

    public async Task<JobLease> LeaseExpectingAsync(string name) =>
        await LeaseAsync(name) ?? throw new Xunit.Sdk.XunitException($"drone {name} got no job");

    public Task<HttpResponseMessage> FailAsync(JobLease lease, string error = "emake failed", string? log = null) =>
        gateway.Cluster.PostAsJsonAsync($"api/gateway/jobs/{lease.JobId}/fail", new JobFailure(lease.LeaseId, error, log), SwarmJsonContext.Default.JobFailure);

    public async Task ProgressAsync(JobLease lease, JobState state)
    {
        using var response = await gateway.Cluster.PostAsJsonAsync($"api/gateway/jobs/{lease.JobId}/progress", new JobProgress(lease.LeaseId, state),
            SwarmJsonContext.Default.JobProgress);
        response.EnsureSuccessStatusCode();
    }

    public async Task<LeaseRenewalReply> RenewAsync(params string[] leaseIds)
    {
        using var response = await gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/renew", new LeaseRenewal(leaseIds), SwarmJsonContext.Default.LeaseRenewal);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseRenewalReply))!;
    }

    public async Task<IReadOnlyList<DroneView>> StatusDronesAsync() =>
        (await gateway.Anonymous.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Drones;
}
