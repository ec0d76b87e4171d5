using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Tests.Binhost;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Jobs;

/// <summary>Operator queue actions over the real API: each a state transition that loses nothing.</summary>
public sealed class QueueControlTests : IAsyncLifetime
{
    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync() =>
        _gateway = await InProcessGateway.StartAsync(o => o.Scheduling.GroundAfterFailures = 100);

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Cancel_releases_the_leases_refuses_a_late_upload_and_failure_cleanly_and_retry_brings_the_build_back()
    {
        var fleet = await FakeOrchestrator.StartAsync(_gateway, ("a", 8, 2, DroneRole.Normal));
        var build = await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"), new PackageRequest("app-misc/world-2.0", ["app-misc/hello-1.0"]));
        var held = await fleet.LeaseExpectingAsync("a");
        await fleet.ProgressAsync(held, JobState.Building);

        var cancel = await ActAsync($"api/gateway/builds/{build.BuildId}/cancel");
        Assert.Equal((2, 1), (cancel.Jobs, cancel.ReleasedLeases));
        var view = await _gateway.BuildAsync(build.BuildId);
        Assert.Equal("cancelled", view.State);
        Assert.All(view.Jobs, j => Assert.Equal(JobState.Cancelled, j.State));
        Assert.All(view.Jobs, j => Assert.Equal("cancelled by an operator", j.Reason));

        Assert.Equal([held.LeaseId], (await fleet.RenewAsync(held.LeaseId)).Expired); // the drone is told to stop
        using (var upload = await BinhostHarness.UploadAsync(_gateway, held, await BinhostHarness.GpkgAsync(held.Cpv)))
        {
            Assert.Equal(HttpStatusCode.Conflict, upload.StatusCode);
            Assert.Contains("cancelled", await upload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var failure = await fleet.FailAsync(held))
        {
            Assert.Equal(HttpStatusCode.Conflict, failure.StatusCode); // dropped, not counted
        }

        Assert.Null(await fleet.LeaseAsync("a"));
        Assert.Equal(0, (await _gateway.BuildAsync(build.BuildId)).Jobs.Single(j => j.Cpv == held.Cpv).Attempts);
        using (var again = await _gateway.Admin.PostAsync($"api/gateway/builds/{build.BuildId}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        var retry = await ActAsync($"api/gateway/builds/{build.BuildId}/retry");
        Assert.Equal(2, retry.Jobs);
        var states = (await _gateway.BuildAsync(build.BuildId)).Jobs.ToDictionary(j => j.Cpv, j => j.State);
        Assert.Equal(JobState.Ready, states["app-misc/hello-1.0"]);
        Assert.Equal(JobState.Waiting, states["app-misc/world-2.0"]);
        var fresh = await fleet.LeaseExpectingAsync("a");
        Assert.Equal("app-misc/hello-1.0", fresh.Cpv);
        using var published = await BinhostHarness.UploadAsync(_gateway, fresh, await BinhostHarness.GpkgAsync(fresh.Cpv));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
    }

    [Fact]
    public async Task A_stuck_job_with_no_sweeper_stalls_the_build_with_its_reason_and_retry_gives_it_fresh_attempts()
    {
        var fleet = await FakeOrchestrator.StartAsync(_gateway, ("a", 8, 1, DroneRole.Normal), ("b", 8, 1, DroneRole.Normal), ("c", 8, 1, DroneRole.Normal));
        var build = await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"), new PackageRequest("app-misc/world-2.0", ["app-misc/hello-1.0"]));
        foreach (var drone in new[] { "a", "b", "c" })
        {
            (await fleet.FailAsync(await fleet.LeaseExpectingAsync(drone))).Dispose();
        }

        var stalled = await _gateway.BuildAsync(build.BuildId);
        Assert.Equal("stalled", stalled.State);
        var jobs = stalled.Jobs.ToDictionary(j => j.Cpv);
        Assert.Equal(JobState.Stuck, jobs["app-misc/hello-1.0"].State);
        Assert.StartsWith("stuck: failed on a, b, c; no sweeper is online", jobs["app-misc/hello-1.0"].Reason, StringComparison.Ordinal);
        Assert.Equal("waits for app-misc/hello-1.0, which is stuck", jobs["app-misc/world-2.0"].Reason);
        var summary = (await _gateway.Anonymous.GetFromJsonAsync("api/gateway/builds", SwarmJsonContext.Default.IReadOnlyListBuildSummary))!.Single();
        Assert.Equal("stalled", summary.State);
        Assert.NotNull(summary.Reason);

        using (var blocked = await _gateway.Admin.PostAsync($"api/gateway/jobs/{jobs["app-misc/world-2.0"].Id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode); // waiting: nothing to retry
        }

        var retry = await ActAsync($"api/gateway/jobs/{jobs["app-misc/hello-1.0"].Id}/retry");
        Assert.Equal(jobs["app-misc/hello-1.0"].Id, retry.JobId);
        var after = await _gateway.BuildAsync(build.BuildId);
        Assert.Equal("running", after.State);
        Assert.Equal((JobState.Ready, 0), (after.Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").State, after.Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").Attempts));

        // The old failures stop counting: one more failure is a retry elsewhere, not stuck again.
        var lease = await fleet.LeaseExpectingAsync("a");
        Assert.Equal(1, lease.Attempt);
        (await fleet.FailAsync(lease)).Dispose();
        Assert.Equal(JobState.Failed, (await _gateway.BuildAsync(build.BuildId)).Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").State);
        Assert.NotNull(await fleet.LeaseAsync("b"));
    }

    [Fact]
    public async Task A_blocked_job_is_unblocked_to_build_without_its_broken_dependency_and_says_so()
    {
        var fleet = await FakeOrchestrator.StartAsync(_gateway, ("a", 8, 1, DroneRole.Normal), ("s", 8, 1, DroneRole.Sweeper));
        var build = await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"), new PackageRequest("app-misc/world-2.0", ["app-misc/hello-1.0"]));
        for (var i = 0; i < _gateway.Options.MaxAttempts; i++)
        {
            (await fleet.FailAsync(await fleet.LeaseExpectingAsync("a"))).Dispose(); // a small fleet: stuck after MaxAttempts
        }

        (await fleet.FailAsync(await fleet.LeaseExpectingAsync("s"), "sweeper: emake failed")).Dispose();
        var stalled = await _gateway.BuildAsync(build.BuildId);
        Assert.Equal("stalled", stalled.State);
        var world = stalled.Jobs.Single(j => j.Cpv == "app-misc/world-2.0");
        Assert.Equal((JobState.Blocked, "blocked by app-misc/hello-1.0"), (world.State, world.Reason));
        Assert.Equal("broken: failed on a, s: sweeper: emake failed", stalled.Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").Reason);

        var unblock = await ActAsync($"api/gateway/jobs/{world.Id}/unblock");
        Assert.Equal($"job {world.Id} unblocked; no longer waits for app-misc/hello-1.0", unblock.Detail);
        var after = await _gateway.BuildAsync(build.BuildId);
        Assert.Equal("running", after.State);
        Assert.Equal(JobState.Ready, after.Jobs.Single(j => j.Cpv == "app-misc/world-2.0").State);
        Assert.Equal(JobState.Broken, after.Jobs.Single(j => j.Cpv == "app-misc/hello-1.0").State); // its record stays
        Assert.Equal("app-misc/world-2.0", (await fleet.LeaseExpectingAsync("a")).Cpv);
    }

    [Fact]
    public async Task Pause_stops_new_leases_lets_running_jobs_finish_and_survives_a_restart()
    {
        var fleet = await FakeOrchestrator.StartAsync(_gateway, ("a", 8, 2, DroneRole.Normal));
        await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"), new PackageRequest("app-misc/other-1.0"));
        var running = await fleet.LeaseExpectingAsync("a");

        using (var pause = await _gateway.Admin.PostAsync("api/gateway/swarm/pause", null))
        {
            var reply = (await pause.Content.ReadFromJsonAsync(SwarmJsonContext.Default.SwarmPauseReply))!;
            Assert.Equal(new SwarmPauseReply(true, 1), reply);
        }

        Assert.Null(await fleet.LeaseAsync("a"));
        Assert.Empty((await fleet.RenewAsync(running.LeaseId)).Expired);
        using (var upload = await BinhostHarness.UploadAsync(_gateway, running, await BinhostHarness.GpkgAsync(running.Cpv)))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode); // a running job finishes
        }

        _gateway = await _gateway.RestartAsync();
        fleet = await FakeOrchestrator.StartAsync(_gateway, ("a", 8, 2, DroneRole.Normal));
        Assert.True((await _gateway.Anonymous.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Paused);
        Assert.Null(await fleet.LeaseAsync("a"));

        using (await _gateway.Admin.PostAsync("api/gateway/swarm/resume", null))
        {
        }

        Assert.NotNull(await fleet.LeaseAsync("a"));
        Assert.False((await _gateway.Anonymous.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Paused);
    }

    [Fact]
    public async Task A_core_limit_caps_the_cores_and_slots_a_drone_is_asked_to_use_until_lifted()
    {
        var fleet = await FakeOrchestrator.StartAsync(_gateway, ("nas", 16, 4, DroneRole.Normal));
        await _gateway.SubmitAsync([.. Enumerable.Range(1, 6).Select(i => new PackageRequest($"app-misc/p{i}-1.0"))]);

        using (var limit = await _gateway.Admin.PostAsJsonAsync("api/gateway/drones/id-nas/limit", new DroneLimitRequest(2), SwarmJsonContext.Default.DroneLimitRequest))
        {
            Assert.Equal(HttpStatusCode.OK, limit.StatusCode);
            Assert.Equal(new DroneLimitReply("nas", 2, "online"), await limit.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneLimitReply));
        }

        var first = await fleet.LeaseExpectingAsync("nas");
        var second = await fleet.LeaseExpectingAsync("nas");
        Assert.Equal((1, 1), (first.Cores, second.Cores)); // two slots of one core each: two cores in all
        Assert.Null(await fleet.LeaseAsync("nas"));
        Assert.Equal(2, (await fleet.StatusDronesAsync()).Single().CoreLimit);

        using (var bad = await _gateway.Admin.PostAsJsonAsync("api/gateway/drones/nas/limit", new DroneLimitRequest(0), SwarmJsonContext.Default.DroneLimitRequest))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var anonymous = await _gateway.Anonymous.PostAsJsonAsync("api/gateway/drones/nas/limit", new DroneLimitRequest(4), SwarmJsonContext.Default.DroneLimitRequest))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (await _gateway.Admin.PostAsJsonAsync("api/gateway/drones/nas/limit", new DroneLimitRequest(null), SwarmJsonContext.Default.DroneLimitRequest))
        {
        }

        var unlimited = await fleet.LeaseExpectingAsync("nas");
        Assert.Equal(0, unlimited.Cores);
        Assert.Null((await fleet.StatusDronesAsync()).Single().CoreLimit);
    }

    [Fact]
    public async Task Queue_actions_need_the_admin_token_and_name_what_they_do_not_find()
    {
        foreach (var route in new[] { "api/gateway/builds/b1/cancel", "api/gateway/builds/b1/retry", "api/gateway/jobs/1/retry", "api/gateway/jobs/1/unblock", "api/gateway/swarm/pause", "api/gateway/swarm/resume" })
        {
            using var anonymous = await _gateway.Anonymous.PostAsync(route, null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var cluster = await _gateway.Cluster.PostAsync(route, null);
            Assert.Equal(HttpStatusCode.Unauthorized, cluster.StatusCode);
        }

        using var missing = await _gateway.Admin.PostAsync("api/gateway/builds/nope/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("'nope'", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var job = await _gateway.Admin.PostAsync("api/gateway/jobs/999/retry", null);
        Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
    }

    private async Task<QueueActionReply> ActAsync(string route)
    {
        using var response = await _gateway.Admin.PostAsync(route, null);
        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.QueueActionReply))!;
    }
}
