using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Jobs;

public sealed class TargetLeaseTests
{
    [Fact]
    public async Task A_drone_only_gets_jobs_of_targets_it_declared_and_the_lease_carries_the_tree_snapshot()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        using (var submit = await gateway.Admin.PostAsJsonAsync("api/gateway/build/submit",
            new SubmitBuildRequest([new("app-misc/hello-1.0", [])], "amd64", TreeSnapshot: "Sat, 28 Nov 2026 00:45:01 +0000"), SwarmJsonContext.Default.SubmitBuildRequest))
        {
            submit.EnsureSuccessStatusCode();
        }

        var orchestrator = await RegisterAsync(gateway);

        Assert.Empty(await LeaseAsync(gateway, new LeaseRequest(orchestrator, "d1", "arm-drone", Targets: ["arm64"])));
        Assert.Empty(await LeaseAsync(gateway, new LeaseRequest(orchestrator, "d1", "arm-drone", Targets: ["default", "arm64"])));
        var lease = Assert.Single(await LeaseAsync(gateway, new LeaseRequest(orchestrator, "d2", "amd-drone", Targets: ["arm64", "amd64"])));
        Assert.Equal(("app-misc/hello-1.0", "amd64", "Sat, 28 Nov 2026 00:45:01 +0000"), (lease.Cpv, lease.Target, lease.TreeSnapshot));
    }

    [Fact]
    public async Task A_drone_that_declares_no_targets_takes_any_and_a_build_without_snapshot_leases_without_one()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        await gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0", []));
        var orchestrator = await RegisterAsync(gateway);

        var lease = Assert.Single(await LeaseAsync(gateway, new LeaseRequest(orchestrator, "d1", "old-drone")));

        Assert.Null(lease.TreeSnapshot);
    }

    [Fact]
    public async Task Bad_target_names_and_tree_snapshots_are_refused_with_the_field_named()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var orchestrator = await RegisterAsync(gateway);

        using var lease = await gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease",
            new LeaseRequest(orchestrator, "d1", "d1", Targets: ["amd64; DROP TABLE jobs"]), SwarmJsonContext.Default.LeaseRequest);
        using var submit = await gateway.Admin.PostAsJsonAsync("api/gateway/build/submit",
            new SubmitBuildRequest([new("app-misc/hello-1.0", [])], TreeSnapshot: "line\nbreak"), SwarmJsonContext.Default.SubmitBuildRequest);

        Assert.Equal(HttpStatusCode.BadRequest, lease.StatusCode);
        Assert.Contains("targets", await lease.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, submit.StatusCode);
        Assert.Contains("treeSnapshot", await submit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> RegisterAsync(InProcessGateway gateway)
    {
        using var register = await gateway.Cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration("test-orchestrator", "lab", "http://127.0.0.1:1"), SwarmJsonContext.Default.OrchestratorRegistration);
        register.EnsureSuccessStatusCode();
        return (await register.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
    }

    private static async Task<IReadOnlyList<JobLease>> LeaseAsync(InProcessGateway gateway, LeaseRequest request)
    {
        await gateway.AdmitAsync(request.DroneId);
        using var response = await gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease", request, SwarmJsonContext.Default.LeaseRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases;
    }
}
