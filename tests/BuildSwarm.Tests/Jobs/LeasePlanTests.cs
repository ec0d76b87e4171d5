using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BuildSwarm.Tests.Jobs;

/// <summary>The gateway leases what the HEFT plan assigns, plans once for many askers, and remembers build times.</summary>
public sealed class LeasePlanTests
{
    [Fact]
    public async Task The_critical_path_job_goes_to_the_faster_drone_even_when_the_slower_one_asks_first()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var fleet = await FakeOrchestrator.StartAsync(gateway, ("fast", 16, 1, DroneRole.Normal), ("slow", 4, 1, DroneRole.Normal));
        // Submitted first, so the old queue-order pick would have handed the chain head to whoever asked first.
        await gateway.SubmitAsync(
            new PackageRequest("sys-devel/gcc-14.2.1"),
            new PackageRequest("sys-devel/llvm-19.1.0", ["sys-devel/gcc-14.2.1"]),
            new PackageRequest("dev-lang/rust-1.83.0", ["sys-devel/llvm-19.1.0"]),
            new PackageRequest("app-misc/a-1.0"),
            new PackageRequest("app-misc/b-1.0"),
            new PackageRequest("app-misc/c-1.0"));

        var slow = await fleet.LeaseExpectingAsync("slow");
        var fast = await fleet.LeaseExpectingAsync("fast");

        Assert.Equal("sys-devel/gcc-14.2.1", fast.Cpv);
        Assert.StartsWith("app-misc/", slow.Cpv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_drones_asking_share_one_plan_until_jobs_change()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Scheduling.PlanMaxAgeMilliseconds = 60_000);
        var drones = Enumerable.Range(1, 20).Select(i => ($"d{i}", 8, 1, DroneRole.Normal)).ToArray();
        var fleet = await FakeOrchestrator.StartAsync(gateway, drones);
        await gateway.SubmitAsync(Enumerable.Range(1, 10).Select(i => new PackageRequest($"app-misc/p{i}-1.0")).ToArray());
        var planner = gateway.App.Services.GetRequiredService<LeasePlanner>();

        var leases = await Task.WhenAll(drones.Select(d => fleet.LeaseAsync(d.Item1)));
        Assert.Equal(10, leases.Count(l => l is not null));
        Assert.Equal(10, leases.Where(l => l is not null).Select(l => l!.JobId).Distinct().Count());
        Assert.Equal(1, planner.PlansMade);

        (await fleet.FailAsync(leases.First(l => l is not null)!)).Dispose(); // a job change: the next ask plans again
        Assert.NotNull(await Task.WhenAll(drones.Select(d => fleet.LeaseAsync(d.Item1))).ContinueWith(t => t.Result.Single(l => l is not null)));
        Assert.Equal(2, planner.PlansMade);
    }

    [Fact]
    public async Task Build_durations_teach_the_estimator_and_survive_a_gateway_restart()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var gateway = await InProcessGateway.StartAsync(time: time);
        try
        {
            var fleet = await FakeOrchestrator.StartAsync(gateway, ("a", 8, 1, DroneRole.Normal));
            await gateway.SubmitAsync(new PackageRequest("dev-libs/openssl-3.3.2"));
            var lease = await fleet.LeaseExpectingAsync("a");
            await fleet.ProgressAsync(lease, JobState.Building);
            time.Advance(TimeSpan.FromSeconds(20));
            await fleet.ProgressAsync(lease, JobState.Uploading);
            await fleet.ProgressAsync(lease, JobState.Uploading); // repeated: not a second sample

            var estimator = gateway.App.Services.GetRequiredService<BuildEstimates>().Estimator;
            Assert.Equal(20, estimator.ReferenceSeconds("dev-libs/openssl-3.3.2"), precision: 3); // 8 cores, speed 1: the reference drone
            Assert.Equal(20, estimator.ReferenceSeconds("dev-libs/openssl-3.4.0"), precision: 3); // a version bump starts from its CP

            gateway = await gateway.RestartAsync();
            var restored = gateway.App.Services.GetRequiredService<BuildEstimates>().Estimator;
            Assert.True(restored.Knows("dev-libs/openssl-3.3.2"));
            Assert.Equal(20, restored.ReferenceSeconds("dev-libs/openssl-3.3.2"), precision: 3);
            Assert.Equal(1, restored.Export().Packages.Single(p => p.PackageKey == "dev-libs/openssl-3.3.2").Samples);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
