using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using static BuildSwarm.Core.Tests.Scheduling.Fixtures;

namespace BuildSwarm.Core.Tests.Scheduling;

public sealed class HeftPolicyTests
{
    private readonly ISchedulingPolicy _heft = SchedulingPolicies.Get("heft");

    [Fact]
    public void Puts_the_critical_path_job_on_the_fastest_drone()
    {
        // Job 2 heads a long chain (2 -> 3 -> 4); job 1 is a short leaf submitted first.
        var jobs = new[]
        {
            Job(1, "app-misc/leaf-1.0"),
            Job(2, "sys-devel/gcc-14.2.1"),
            Job(3, "llvm-core/llvm-19.1.7", JobState.Waiting, [2]),
            Job(4, "dev-lang/rust-1.84.0", JobState.Waiting, [3]),
        };
        var drones = new[] { Drone("slow", speed: 1.0, slots: 1), Drone("fast", speed: 2.0, slots: 1) };
        var estimator = Estimator(("app-misc/leaf-1.0", 600), ("sys-devel/gcc-14.2.1", 600), ("llvm-core/llvm-19.1.7", 3000), ("dev-lang/rust-1.84.0", 3000));

        var placement = _heft.Schedule(Snapshot(jobs, drones, estimator)).Placement();

        Assert.Equal("fast", placement[2]);
        Assert.Equal("slow", placement[1]);
    }

    [Fact]
    public void Counts_the_larger_cores_of_a_drone_at_equal_speed()
    {
        var jobs = new[] { Job(1, "app-misc/a-1.0"), Job(2, "app-misc/b-1.0"), Job(3, "app-misc/c-1.0", JobState.Waiting, [2]) };
        var drones = new[] { Drone("small", cores: 4, slots: 1), Drone("big", cores: 32, slots: 1) };

        var placement = _heft.Schedule(Snapshot(jobs, drones)).Placement();

        Assert.Equal("big", placement[2]);
    }

    [Fact]
    public void Waits_for_a_busy_fast_drone_rather_than_crawl_on_a_slow_one()
    {
        var running = Job(1, "app-misc/almost-done-1.0", JobState.Building) with { DroneId = "fast", StartedAt = Now.AddSeconds(-590) };
        var jobs = new[] { running, Job(2, "www-client/chromium-132.0") };
        var drones = new[] { Drone("fast", speed: 1.0, slots: 1, free: 0), Drone("crawler", speed: 0.1, slots: 1) };
        var estimator = Estimator(("app-misc/almost-done-1.0", 600), ("www-client/chromium-132.0", 6000));

        Assert.Empty(_heft.Schedule(Snapshot(jobs, drones, estimator)));
    }

    [Fact]
    public void Stops_waiting_for_a_drone_whose_job_overran_far_past_its_estimate()
    {
        var hung = Job(1, "app-misc/hung-1.0", JobState.Building) with { DroneId = "fast", StartedAt = Now.AddSeconds(-60_000) };
        var jobs = new[] { hung, Job(2, "app-misc/next-1.0") };
        var drones = new[] { Drone("fast", speed: 2.0, slots: 1, free: 0), Drone("slow", speed: 1.0, slots: 1) };
        var estimator = Estimator(("app-misc/hung-1.0", 600), ("app-misc/next-1.0", 600));

        Assert.Equal([new Assignment(2, "slow")], _heft.Schedule(Snapshot(jobs, drones, estimator)));
    }

    [Fact]
    public void A_slot_planned_for_one_job_is_not_planned_for_the_next()
    {
        var running = Job(1, "app-misc/almost-done-1.0", JobState.Building) with { DroneId = "fast", StartedAt = Now.AddSeconds(-590) };
        var jobs = new[] { running, Job(2, "app-misc/first-1.0"), Job(3, "app-misc/second-1.0"), Job(4, "app-misc/after-1.0", JobState.Waiting, [2]) };
        var drones = new[] { Drone("fast", speed: 1.0, slots: 1, free: 0), Drone("slow", speed: 0.5, slots: 1) };
        var estimator = Estimator(("app-misc/almost-done-1.0", 600), ("app-misc/first-1.0", 600), ("app-misc/second-1.0", 600));

        // Job 2 (longer path) plans the fast drone's slot from 10 s to 610 s; job 3 would finish there at
        // 1210 s, so the free slow drone (1200 s) is better for it.
        Assert.Equal([new Assignment(3, "slow")], _heft.Schedule(Snapshot(jobs, drones, estimator)));
    }

    [Fact]
    public void Fills_free_slots_and_no_more()
    {
        var jobs = Enumerable.Range(1, 5).Select(i => Job(i, $"app-misc/p{i}-1.0")).ToArray();
        var drones = new[] { Drone("d1", slots: 4, free: 2) };

        var assignments = _heft.Schedule(Snapshot(jobs, drones));

        Assert.Equal(2, assignments.Count);
        Assert.Equal(2, assignments.Select(a => a.JobId).Distinct().Count());
    }

    [Fact]
    public void Higher_priority_goes_before_a_longer_path()
    {
        var jobs = new[]
        {
            Job(1, "app-misc/urgent-1.0") with { Priority = 10 },
            Job(2, "app-misc/long-1.0"),
            Job(3, "app-misc/below-1.0", JobState.Waiting, [2]),
        };
        var drones = new[] { Drone("only", slots: 1) };

        Assert.Equal([new Assignment(1, "only")], _heft.Schedule(Snapshot(jobs, drones)));
    }
}
