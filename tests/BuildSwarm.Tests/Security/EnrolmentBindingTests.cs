using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Fleet;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Security;

/// <summary>
/// Issue 17 [high] and [medium]: a node id is bound to its credential (a join token cannot take over an enrolled
/// drone), and the gateway checks admission itself when an orchestrator leases work for a drone.
/// </summary>
public sealed class EnrolmentBindingTests : IAsyncLifetime
{
    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await InProcessGateway.StartAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_join_token_holder_cannot_re_enroll_an_approved_drone_by_its_node_id()
    {
        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest(AutoApprove: true));
        var real = (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box", "192.168.50.7"), token.Token)).Admission!;
        Assert.Equal(DroneAdmissionStates.Approved, real.State);

        // The attacker knows the public node id and holds a join token (even an auto-approving one).
        foreach (var secret in new[] { token.Token, (await FleetApi.TokenAsync(_gateway, new JoinTokenRequest())).Token })
        {
            var (status, stolen, body) = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box", "10.66.6.6"), secret, observed: "10.66.6.6");
            Assert.True(status == HttpStatusCode.Unauthorized, $"{(int)status}: {body}");
            Assert.Null(stolen);
            Assert.Contains("drones reset d-box", body, StringComparison.Ordinal);
        }

        var listed = Assert.Single(await FleetApi.ListAsync(_gateway));
        Assert.Equal((DroneAdmissionStates.Approved, "192.168.50.7"), (listed.Admission, listed.Address));
        var again = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box", "192.168.50.7"), real.Credential!);
        Assert.True(again.Status == HttpStatusCode.OK, again.Body);
        Assert.Equal(DroneAdmissionStates.Approved, again.Admission!.State);
    }

    [Fact]
    public async Task After_an_operator_reset_a_join_token_enrolls_the_drone_again_as_pending_and_the_old_credential_is_dead()
    {
        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest(AutoApprove: true));
        var old = (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box"), token.Token)).Admission!;

        using (var reset = await _gateway.Admin.PostAsync("api/gateway/drones/d-box/reset", null))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        using (var anonymous = await _gateway.Anonymous.PostAsync("api/gateway/drones/d-box/reset", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box"), old.Credential!)).Status);
        var rejoined = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box"), (await FleetApi.TokenAsync(_gateway, new JoinTokenRequest())).Token);
        Assert.True(rejoined.Status == HttpStatusCode.OK, rejoined.Body);
        Assert.Equal(DroneAdmissionStates.Pending, rejoined.Admission!.State);
        Assert.StartsWith("bsd_", rejoined.Admission.Credential, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lease_for_a_drone_the_gateway_never_admitted_is_refused()
    {
        await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"));
        using var register = await _gateway.Cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration("rogue", "lab", "http://127.0.0.1:1"), SwarmJsonContext.Default.OrchestratorRegistration);
        var orchestrator = (await register.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;

        foreach (var ghost in new[] { "d-ghost", "" })
        {
            using var lease = await _gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(orchestrator, ghost, "ghost"), SwarmJsonContext.Default.LeaseRequest);
            var text = await lease.Content.ReadAsStringAsync();
            Assert.True(lease.StatusCode == HttpStatusCode.Forbidden, $"{(int)lease.StatusCode}: {text}");
            Assert.Contains("never admitted", text, StringComparison.Ordinal);
        }

        // A pending drone gets nothing either; once approved it gets the job nobody took.
        var (_, pending, _) = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("late", "d-late"), (await FleetApi.TokenAsync(_gateway, new JoinTokenRequest())).Token);
        using (var refused = await _gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(orchestrator, pending!.DroneId, "late"), SwarmJsonContext.Default.LeaseRequest))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var approve = await _gateway.Admin.PostAsync("api/gateway/drones/d-late/approve", null))
        {
            approve.EnsureSuccessStatusCode();
        }

        using var granted = await _gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(orchestrator, "d-late", "late"), SwarmJsonContext.Default.LeaseRequest);
        Assert.Single((await granted.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases);
    }
}
