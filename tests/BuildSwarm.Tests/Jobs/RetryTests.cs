using System.Net;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Jobs;

/// <summary>Failed jobs: retried elsewhere, stuck for the sweeper, broken and blocking, stale reports dropped.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync() =>
        _gateway = await InProcessGateway.StartAsync(o => o.Scheduling.GroundAfterFailures = 100);

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_failed_job_is_retried_on_a_different_drone_not_on_the_one_it_failed_on()
    {
        var fleet = await FakeOrchestrator.StartAsync(_gateway, ("a", 16, 1, DroneRole.Normal), ("b", 8, 1, DroneRole.Normal));
        var build = await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"));
        Assert.Null(await fleet.LeaseAsync("b")); // the plan keeps the job for the faster drone
        var first = await fleet.LeaseExpectingAsync("a");

        using var failed = await fleet.FailAsync(first);
        Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);
        var view = await _gateway.BuildAsync(build.BuildId);
        Assert.Equal(JobState.Failed, view.Jobs.Single().State);
        Assert.Equal(1, view.Jobs.Single().Attempts);
        Assert.Equal("running", view.State);

        Assert.Null(await fleet.LeaseAsync("a")); // not back to the drone it failed on, though that one is faster
        var retry = await fleet.LeaseExpectingAsync("b");
        Assert.Equal(first.JobId, retry.JobId);
        Assert.Equal(2, retry.Attempt);
    }

    [Fact]
    public async Task After_failing_on_three_distinct_drones_a_job_is_stuck_and_only_the_sweeper_takes_it()
    {
        var fleet = await FakeOrchestrator.StartAsync(_gateway,
            ("a", 8, 1, DroneRole.Normal), ("b", 8, 1, DroneRole.Normal), ("c", 8, 1, DroneRole.Normal), ("s", 8, 4, DroneRole.Sweeper));
        var build = await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"));

        Assert.Null(await fleet.LeaseAsync("s")); // a sweeper never takes a job that has not failed
        foreach (var drone in new[] { "a", "b", "c" })
        {
            var lease = await fleet.LeaseExpectingAsync(drone);
            using var failed = await fleet.FailAsync(lease);
            Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);
        }

        var job = (await _gateway.BuildAsync(build.BuildId)).Jobs.Single();
        Assert.Equal(JobState.Stuck, job.State);
        Assert.Equal(3, job.Attempts);
        foreach (var drone in new[] { "a", "b", "c" })
        {
            Assert.Null(await fleet.LeaseAsync(drone));
        }

        var swept = await fleet.LeaseExpectingAsync("s");
        Assert.Equal(job.Id, swept.JobId);
        Assert.Equal(JobState.Leased, (await _gateway.BuildAsync(build.BuildId)).Jobs.Single().State);
    }

    [Fact]
    public async Task A_sweeper_failure_breaks_the_job_blocks_everything_below_it_and_keeps_the_full_log()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Scheduling.MaxDistinctDrones = 1);
        var fleet = await FakeOrchestrator.StartAsync(gateway, ("a", 8, 1, DroneRole.Normal), ("s", 8, 1, DroneRole.Sweeper));
        var build = await gateway.SubmitAsync(
            new PackageRequest("app-misc/hello-1.0"),
            new PackageRequest("app-misc/world-2.0", ["app-misc/hello-1.0"]),
            new PackageRequest("app-misc/everything-3.0", ["app-misc/world-2.0"]),
            new PackageRequest("app-misc/other-1.0"));

        var hello = await fleet.LeaseExpectingAsync("a");
        Assert.Equal("app-misc/hello-1.0", hello.Cpv); // the head of the longest chain goes first
        (await fleet.FailAsync(hello)).Dispose();
        var swept = await fleet.LeaseExpectingAsync("s");
        Assert.Equal(hello.JobId, swept.JobId);
        var fullLog = string.Join('\n', Enumerable.Range(1, 5000).Select(i => $"line {i} of a serial build"));
        using var broken = await fleet.FailAsync(swept, "emake failed", fullLog);
        Assert.Equal(HttpStatusCode.NoContent, broken.StatusCode);

        var view = await gateway.BuildAsync(build.BuildId);
        var jobs = view.Jobs.ToDictionary(j => j.Cpv);
        Assert.Equal(JobState.Broken, jobs["app-misc/hello-1.0"].State);
        Assert.Equal(JobState.Blocked, jobs["app-misc/world-2.0"].State);
        Assert.Equal("blocked by app-misc/hello-1.0", jobs["app-misc/world-2.0"].Error);
        Assert.Equal(JobState.Blocked, jobs["app-misc/everything-3.0"].State);
        Assert.Equal("blocked by app-misc/hello-1.0", jobs["app-misc/everything-3.0"].Error);
        Assert.NotEqual(JobState.Blocked, jobs["app-misc/other-1.0"].State);
        Assert.Equal("running", view.State); // other-1.0 can still be built

        var log = Assert.Single(Directory.GetFiles(Path.Combine(gateway.Options.DataDir, "logs")));
        Assert.Equal(fullLog, await File.ReadAllTextAsync(log));

        var other = await fleet.LeaseExpectingAsync("a");
        Assert.Equal("app-misc/other-1.0", other.Cpv);
        Assert.Null(await fleet.LeaseAsync("a"));
        (await fleet.FailAsync(other)).Dispose(); // on its only drone: stuck now, and the sweeper is free
        Assert.Equal(JobState.Stuck, (await gateway.BuildAsync(build.BuildId)).Jobs.Single(j => j.Cpv == "app-misc/other-1.0").State);
        (await fleet.FailAsync(await fleet.LeaseExpectingAsync("s"))).Dispose();
        Assert.Equal("stalled", (await gateway.BuildAsync(build.BuildId)).State); // nothing can move any more
    }

    [Fact]
    public async Task A_late_failure_report_from_an_expired_lease_is_dropped_with_409_and_not_counted()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await InProcessGateway.StartAsync(o => o.LeaseSeconds = 10, time);
        var fleet = await FakeOrchestrator.StartAsync(gateway, ("a", 8, 1, DroneRole.Normal), ("b", 8, 1, DroneRole.Normal));
        var build = await gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"));
        var stale = await fleet.LeaseAsync("a") ?? await fleet.LeaseExpectingAsync("b");

        time.Advance(TimeSpan.FromSeconds(11));
        await Poll.UntilAsync(async () => (await gateway.BuildAsync(build.BuildId)).Jobs.Single().State == JobState.Ready,
            TimeSpan.FromSeconds(10), "the expired lease to return the job");
        await fleet.SyncAsync();
        var current = await fleet.LeaseAsync("a") ?? await fleet.LeaseExpectingAsync("b");

        using var late = await fleet.FailAsync(stale);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("dropped", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var job = (await gateway.BuildAsync(build.BuildId)).Jobs.Single();
        Assert.Equal(JobState.Leased, job.State);
        Assert.Equal(0, job.Attempts);
        Assert.Equal(1, current.Attempt);
        Assert.Empty((await fleet.RenewAsync(current.LeaseId)).Expired);
    }
}
