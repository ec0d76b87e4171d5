using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>Join tokens and operator decisions on the gateway's admission API.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await InProcessGateway.StartAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_drone_joining_without_auto_approval_is_pending_and_visible_with_its_host_and_resources()
    {
        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest());
        var (status, admission, body) = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box"), token.Token);

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(DroneAdmissionStates.Pending, admission!.State);
        Assert.StartsWith("bsd_", admission.Credential, StringComparison.Ordinal);
        var listed = Assert.Single(await FleetApi.ListAsync(_gateway));
        Assert.Equal(("d-box", "box-host", DroneAdmissionStates.Pending, 8, 16_000L), (listed.Id, listed.HostName, listed.Admission, listed.Cores, listed.RamMb));
        Assert.Equal(["192.168.50.7"], listed.Addresses);
    }

    [Fact]
    public async Task The_credential_readmits_the_drone_without_the_join_token_and_keeps_the_decision()
    {
        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest(SingleUse: true));
        var first = (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box"), token.Token)).Admission!;
        using (var approve = await _gateway.Admin.PostAsync("api/gateway/drones/box/approve", null))
        {
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        }

        var again = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("box", "d-box"), first.Credential!);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(DroneAdmissionStates.Approved, again.Admission!.State);
        Assert.Null(again.Admission.Credential);
    }

    [Fact]
    public async Task A_single_use_token_admits_one_drone_only()
    {
        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest(SingleUse: true));
        Assert.Equal(HttpStatusCode.OK, (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("one", "d-one"), token.Token)).Status);

        var (status, _, body) = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("two", "d-two"), token.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("single-use", body, StringComparison.Ordinal);
        Assert.DoesNotContain(await FleetApi.ListAsync(_gateway), d => d.Id == "d-two");
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_says_so()
    {
        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest(ExpiresInSeconds: 1));
        await Poll.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > token.ExpiresAt!.Value.AddMilliseconds(50)), TimeSpan.FromSeconds(10), "the token's expiry time");

        var (status, _, body) = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("late", "d-late"), token.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("expired", body, StringComparison.Ordinal);
        Assert.Empty(await FleetApi.ListAsync(_gateway));
    }

    [Fact]
    public async Task Unknown_tokens_revoked_tokens_and_the_cluster_token_do_not_admit()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("x", "d-x"), "bsj_nothing")).Status);

        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest(AutoApprove: true));
        using (var revoke = await _gateway.Admin.PostAsync($"api/gateway/join-tokens/{token.Id}/revoke", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var (status, _, body) = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("x", "d-x"), token.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("revoked", body, StringComparison.Ordinal);

        var cluster = File.ReadAllText(Path.Combine(_gateway.Options.DataDir, "cluster.token")).Trim();
        (status, _, body) = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("x", "d-x"), cluster);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("cluster token", body, StringComparison.Ordinal);
        Assert.Empty(await FleetApi.ListAsync(_gateway));
    }

    [Fact]
    public async Task A_rejected_drone_is_refused_even_with_its_credential_or_a_new_token()
    {
        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest(AutoApprove: true));
        var admitted = (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("stray", "d-stray"), token.Token)).Admission!;
        using (var reject = await _gateway.Admin.PostAsync("api/gateway/drones/d-stray/reject", null))
        {
            Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        }

        foreach (var secret in new[] { admitted.Credential!, token.Token })
        {
            var (status, _, body) = await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("stray", "d-stray"), secret);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("rejected", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rename_changes_the_name_kept_across_readmission_and_refuses_a_taken_name()
    {
        var token = await FleetApi.TokenAsync(_gateway, new JoinTokenRequest(AutoApprove: true));
        var a = (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("localhost", "d-a"), token.Token)).Admission!;
        await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("other", "d-b"), token.Token);

        using (var rename = await _gateway.Admin.PostAsJsonAsync("api/gateway/drones/localhost/rename", new DroneRename("attic-box"), SwarmJsonContext.Default.DroneRename))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        using (var taken = await _gateway.Admin.PostAsJsonAsync("api/gateway/drones/d-b/rename", new DroneRename("attic-box"), SwarmJsonContext.Default.DroneRename))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        var again = (await FleetApi.AdmitAsync(_gateway, FleetApi.Drone("localhost", "d-a"), a.Credential!)).Admission!;
        Assert.Equal("attic-box", again.Name);
        Assert.Equal(["attic-box", "other"], (await FleetApi.ListAsync(_gateway)).Select(d => d.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("api/gateway/drones/nobody/approve", HttpStatusCode.NotFound)]
    [InlineData("api/gateway/join-tokens/jt-nothing/revoke", HttpStatusCode.NotFound)]
    public async Task Unknown_drones_and_tokens_are_404(string path, HttpStatusCode expected)
    {
        using var response = await _gateway.Admin.PostAsync(path, null);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Operator_calls_need_the_admin_token_and_admission_needs_the_cluster_token()
    {
        using (var list = await _gateway.Cluster.GetAsync("api/gateway/drones"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        }

        using (var token = await _gateway.Anonymous.PostAsJsonAsync("api/gateway/join-tokens", new JoinTokenRequest(AutoApprove: true), SwarmJsonContext.Default.JoinTokenRequest))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        }

        using var admit = await _gateway.Admin.PostAsJsonAsync("api/gateway/drones/admit",
            new DroneAdmissionRequest(FleetApi.Drone("x", "d-x"), "bsj_x", null, [], "lab"), SwarmJsonContext.Default.DroneAdmissionRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, admit.StatusCode);
    }

    [Fact]
    public async Task Bad_token_requests_are_400_and_create_nothing()
    {
        using var response = await _gateway.Admin.PostAsJsonAsync("api/gateway/join-tokens", new JoinTokenRequest(ExpiresInSeconds: 0), SwarmJsonContext.Default.JoinTokenRequest);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await _gateway.Admin.GetFromJsonAsync("api/gateway/join-tokens", SwarmJsonContext.Default.IReadOnlyListJoinTokenView))!);
    }
}
