using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using static BuildSwarm.Core.Tests.Scheduling.Fixtures;

namespace BuildSwarm.Core.Tests.Scheduling;

/// <summary>Rules every policy obeys, whatever it optimises.</summary>
public sealed class SchedulingRulesTests
{
    public static TheoryData<string> Policies => new(SchedulingPolicies.Names);

    [Theory]
    [MemberData(nameof(Policies))]
    public void A_job_never_starts_before_its_dependencies_are_done(string policy)
    {
        // Job 2 claims to be ready, but its dependency is still building.
        var jobs = new[]
        {
            Job(1, "sys-libs/zlib-1.3.1", JobState.Building) with { DroneId = "d1", StartedAt = Now },
            Job(2, "dev-libs/openssl-3.3.2", JobState.Ready, [1]),
            Job(3, "app-misc/waiting-1.0", JobState.Waiting, [1]),
            Job(4, "app-misc/free-1.0", JobState.Ready, [99]),
        };

        var placement = SchedulingPolicies.Get(policy).Schedule(Snapshot(jobs, [Drone("d1", slots: 4, free: 3)])).Placement();

        Assert.Equal([4L], placement.Keys);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Stuck_jobs_go_only_to_an_idle_sweeper_and_one_at_a_time(string policy)
    {
        var jobs = new[] { Job(1, "app-misc/stuck-1.0", JobState.Stuck), Job(2, "app-misc/stuck2-1.0", JobState.Stuck), Job(3, "app-misc/fine-1.0") };
        var drones = new[] { Drone("normal", slots: 4), Drone("sweeper", slots: 2, role: DroneRole.Sweeper) };

        var placement = SchedulingPolicies.Get(policy).Schedule(Snapshot(jobs, drones)).Placement();

        Assert.Equal("sweeper", placement[1]);
        Assert.False(placement.ContainsKey(2));
        Assert.Equal("normal", placement[3]);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void A_busy_sweeper_gets_no_second_stuck_job(string policy)
    {
        var jobs = new[]
        {
            Job(1, "app-misc/stuck-1.0", JobState.Building) with { DroneId = "sweeper", StartedAt = Now },
            Job(2, "app-misc/stuck2-1.0", JobState.Stuck),
        };
        var drones = new[] { Drone("sweeper", slots: 2, free: 2, role: DroneRole.Sweeper), Drone("normal") };

        Assert.Empty(SchedulingPolicies.Get(policy).Schedule(Snapshot(jobs, drones)));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Sweepers_get_no_ordinary_job(string policy)
    {
        var jobs = new[] { Job(1, "app-misc/fine-1.0") };

        Assert.Empty(SchedulingPolicies.Get(policy).Schedule(Snapshot(jobs, [Drone("sweeper", role: DroneRole.Sweeper)])));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void A_job_avoids_drones_it_failed_on(string policy)
    {
        var failed = Job(1, "app-misc/flaky-1.0") with { FailedOn = new HashSet<string> { "fast" } };
        var drones = new[] { Drone("fast", speed: 4, slots: 4), Drone("slow", speed: 0.5, slots: 1) };

        Assert.Equal([new Assignment(1, "slow")], SchedulingPolicies.Get(policy).Schedule(Snapshot([failed], drones)));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void A_job_waits_for_a_busy_fresh_drone_rather_than_retry_where_it_failed(string policy)
    {
        var failed = Job(1, "app-misc/flaky-1.0") with { FailedOn = new HashSet<string> { "idle" } };
        var drones = new[] { Drone("idle"), Drone("busy", slots: 1, free: 0) };

        Assert.Empty(SchedulingPolicies.Get(policy).Schedule(Snapshot([failed], drones)));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void A_job_that_failed_everywhere_may_go_back_to_a_drone_it_failed_on(string policy)
    {
        var failed = Job(1, "app-misc/flaky-1.0") with { FailedOn = new HashSet<string> { "d1" } };

        Assert.Equal([new Assignment(1, "d1")], SchedulingPolicies.Get(policy).Schedule(Snapshot([failed], [Drone("d1")])));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Drained_and_grounded_drones_get_nothing(string policy)
    {
        var jobs = Enumerable.Range(1, 6).Select(i => Job(i, $"app-misc/p{i}-1.0")).ToArray();
        var drones = new[]
        {
            Drone("drained", slots: 4) with { Drained = true },
            Drone("grounded", slots: 4) with { GroundedUntil = Now.AddMinutes(5) },
            Drone("ungrounded", slots: 1) with { GroundedUntil = Now.AddMinutes(-5) },
        };

        var assignments = SchedulingPolicies.Get(policy).Schedule(Snapshot(jobs, drones));

        Assert.Equal(["ungrounded"], assignments.Select(a => a.DroneId).Distinct());
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Jobs_go_only_to_drones_that_build_their_target(string policy)
    {
        var jobs = new[] { Job(1, "app-misc/p-1.0", target: "arm64"), Job(2, "app-misc/q-1.0") };
        var drones = new[] { Drone("x86", speed: 3), Drone("pi", speed: 0.2) with { Targets = new HashSet<string> { "arm64" } } };

        var placement = SchedulingPolicies.Get(policy).Schedule(Snapshot(jobs, drones)).Placement();

        Assert.Equal("pi", placement[1]);
        Assert.Equal("x86", placement[2]);
    }

    [Fact]
    public void Unknown_policy_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SchedulingPolicies.Get("random"));
        Assert.Equal("heft", SchedulingPolicies.Get("HEFT").Name);
    }
}
