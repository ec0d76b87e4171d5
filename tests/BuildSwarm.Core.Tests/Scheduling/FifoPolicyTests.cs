using BuildSwarm.Core.Scheduling;
using static BuildSwarm.Core.Tests.Scheduling.Fixtures;

namespace BuildSwarm.Core.Tests.Scheduling;

public sealed class FifoPolicyTests
{
    [Fact]
    public void Takes_jobs_in_queue_order_two_per_drone()
    {
        var jobs = Enumerable.Range(1, 6).Select(i => Job(i, $"app-misc/p{i}-1.0")).Reverse().ToArray();
        var drones = new[] { Drone("big", cores: 32, slots: 8), Drone("busy", slots: 4, free: 3) };

        var assignments = SchedulingPolicies.Get("fifo").Schedule(Snapshot(jobs, drones));

        Assert.Equal([1L, 2L, 3L], assignments.Select(a => a.JobId).Order());
        Assert.Equal(2, assignments.Count(a => a.DroneId == "big"));
        Assert.Equal(1, assignments.Count(a => a.DroneId == "busy"));
    }
}
