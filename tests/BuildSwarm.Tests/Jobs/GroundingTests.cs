using System.Net;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BuildSwarm.Tests.Jobs;

public sealed class GroundingTests
{
    [Fact]
    public async Task A_drone_failing_three_jobs_in_the_window_is_grounded_loses_its_leases_and_gets_nothing_until_the_time_passed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await InProcessGateway.StartAsync(o =>
        {
            o.LeaseSeconds = 3600;
            o.Scheduling.GroundAfterFailures = 3;
            o.Scheduling.GroundWindowMinutes = 10;
            o.Scheduling.GroundForMinutes = 30;
        }, time);
        var fleet = await FakeOrchestrator.StartAsync(gateway, ("bad", 16, 4, DroneRole.Normal), ("good", 4, 1, DroneRole.Normal));
        var build = await gateway.SubmitAsync(Enumerable.Range(1, 5).Select(i => new PackageRequest($"app-misc/p{i}-1.0")).ToArray());

        var leases = new List<JobLease>();
        for (var i = 0; i < 4; i++)
        {
            leases.Add(await fleet.LeaseExpectingAsync("bad"));
        }

        (await fleet.FailAsync(leases[0])).Dispose();
        time.Advance(TimeSpan.FromMinutes(4));
        await fleet.SyncAsync();
        (await fleet.FailAsync(leases[1])).Dispose();
        Assert.Null((await fleet.StatusDronesAsync()).Single(d => d.Name == "bad").GroundedUntil);
        time.Advance(TimeSpan.FromMinutes(4));
        await fleet.SyncAsync();
        using (var third = await fleet.FailAsync(leases[2]))
        {
            Assert.Equal(HttpStatusCode.NoContent, third.StatusCode);
        }

        // The fourth lease is revoked: the renewal reports it, so the orchestrator stops the drone's build.
        Assert.Equal([leases[3].LeaseId], (await fleet.RenewAsync(leases[3].LeaseId)).Expired);
        var returned = (await gateway.BuildAsync(build.BuildId)).Jobs.Single(j => j.Id == leases[3].JobId);
        Assert.Equal(JobState.Ready, returned.State);
        Assert.Equal(0, returned.Attempts); // returned work is not a failure of the job

        var bad = (await fleet.StatusDronesAsync()).Single(d => d.Name == "bad");
        Assert.Equal("grounded", bad.State);
        Assert.Equal(time.GetUtcNow().AddMinutes(30).ToUnixTimeMilliseconds(), bad.GroundedUntil!.Value.ToUnixTimeMilliseconds());
        Assert.Null(await fleet.LeaseAsync("bad"));
        Assert.NotNull(await fleet.LeaseAsync("good"));

        time.Advance(TimeSpan.FromMinutes(29));
        await fleet.SyncAsync();
        Assert.Null(await fleet.LeaseAsync("bad"));
        time.Advance(TimeSpan.FromMinutes(1.5));
        await fleet.SyncAsync();
        Assert.NotNull(await fleet.LeaseAsync("bad"));
        Assert.NotEqual("grounded", (await fleet.StatusDronesAsync()).Single(d => d.Name == "bad").State);
    }

    [Fact]
    public async Task Failures_spread_wider_than_the_window_do_not_ground()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await InProcessGateway.StartAsync(o => o.LeaseSeconds = 3600, time);
        var fleet = await FakeOrchestrator.StartAsync(gateway, ("a", 16, 4, DroneRole.Normal));
        await gateway.SubmitAsync(Enumerable.Range(1, 3).Select(i => new PackageRequest($"app-misc/p{i}-1.0")).ToArray());
        var leases = new List<JobLease>();
        for (var i = 0; i < 3; i++)
        {
            leases.Add(await fleet.LeaseExpectingAsync("a"));
        }

        foreach (var lease in leases)
        {
            (await fleet.FailAsync(lease)).Dispose();
            time.Advance(TimeSpan.FromMinutes(6)); // default window: 10 minutes, so never three at once
            await fleet.SyncAsync();
        }

        Assert.Null((await fleet.StatusDronesAsync()).Single().GroundedUntil);
        Assert.NotNull(await fleet.LeaseAsync("a")); // its only drone: retried there
    }
}
