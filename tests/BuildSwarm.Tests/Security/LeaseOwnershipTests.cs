using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Security;

/// <summary>
/// Issue 17 [low]: the orchestrator forwarded one drone's report on another drone's lease, and the status endpoints
/// served every drone's address (its SSH target) to anyone.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class LeaseOwnershipTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_drone_cannot_report_on_a_lease_another_drone_holds_and_addresses_are_for_the_privileged_only()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        using var orchestrator = new HttpClient { BaseAddress = new Uri(swarm.OrchestratorUrl + "/"), Timeout = Timeout };
        var owner = await SiteDrones.RegisterAsync(orchestrator, "owner", swarm.JoinToken);
        var thief = await SiteDrones.RegisterAsync(orchestrator, "thief", swarm.JoinToken);
        var build = await swarm.SubmitAsync(new SubmitBuildRequest([new PackageRequest("app-misc/hello-1.0")]));
        var lease = await Poll.UntilAsync(() => SiteDrones.WorkAsync(orchestrator, owner), Timeout, "the owner's lease", () => swarm.Logs);

        using (var fail = await SiteDrones.PostAsync(orchestrator, thief, $"jobs/{lease.JobId}/fail", new JobFailure(lease.LeaseId, "sabotage"), SwarmJsonContext.Default.JobFailure))
        {
            var text = await fail.Content.ReadAsStringAsync();
            Assert.True(fail.StatusCode == HttpStatusCode.Forbidden, $"{(int)fail.StatusCode}: {text}");
            Assert.Contains("another drone", text, StringComparison.Ordinal);
        }

        using (var progress = await SiteDrones.PostAsync(orchestrator, thief, $"jobs/{lease.JobId}/progress", new JobProgress(lease.LeaseId, JobState.Uploading), SwarmJsonContext.Default.JobProgress))
        {
            Assert.Equal(HttpStatusCode.Forbidden, progress.StatusCode);
        }

        Assert.Equal(JobState.Leased, Assert.Single((await swarm.BuildAsync(build.BuildId)).Jobs).State);
        using (var own = await SiteDrones.PostAsync(orchestrator, owner, $"jobs/{lease.JobId}/progress", new JobProgress(lease.LeaseId, JobState.Building), SwarmJsonContext.Default.JobProgress))
        {
            Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        }

        // Addresses: hidden from everyone, shown to the cluster token (orchestrator) and the admin token (gateway).
        var open = (await orchestrator.GetFromJsonAsync("api/orchestrator/status", SwarmJsonContext.Default.OrchestratorSync))!.Drones;
        Assert.All(open, d => Assert.Equal((null, null, null), (d.Address, d.ReportedAddress, d.ObservedAddress)));
        using (var privileged = new HttpRequestMessage(HttpMethod.Get, "api/orchestrator/status"))
        {
            privileged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", swarm.ClusterToken);
            using var response = await orchestrator.SendAsync(privileged);
            Assert.All((await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorSync))!.Drones, d => Assert.Equal("127.0.0.1", d.Address));
        }

        var adminView = await Poll.UntilAsync(async () =>
        {
            var drones = (await swarm.Http.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Drones;
            return drones.Count == 2 ? drones : null;
        }, Timeout, "the gateway to see both drones", () => swarm.Logs);
        Assert.All(adminView, d => Assert.Equal("127.0.0.1", d.Address));
        using var anonymous = new HttpClient { BaseAddress = new Uri(swarm.GatewayUrl + "/") };
        foreach (var path in new[] { "api/gateway/status", "api/swarm/status" })
        {
            var drones = (await anonymous.GetFromJsonAsync(path, SwarmJsonContext.Default.SwarmStatus))!.Drones;
            Assert.Equal(2, drones.Count);
            Assert.All(drones, d => Assert.Equal((null, null, null), (d.Address, d.ReportedAddress, d.ObservedAddress)));
        }
    }
}
