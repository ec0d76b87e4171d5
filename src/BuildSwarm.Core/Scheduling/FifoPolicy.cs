using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Scheduling;

/// <summary>
/// The baseline: ready jobs in queue order (priority, then submission), a fixed number of jobs per drone
/// whatever its size, no look at the graph or at speeds. Kept to measure HEFT against.
/// </summary>
internal sealed class FifoPolicy(int jobsPerDrone = 2) : ISchedulingPolicy
{
    public string Name => SchedulingPolicies.Fifo;

    public IReadOnlyList<Assignment> Schedule(SchedulingSnapshot snapshot)
    {
        var graph = new JobGraph(snapshot.Jobs);
        var assignments = StuckJobs.AssignToSweepers(snapshot, graph).ToList();

        var capacity = snapshot.Drones
            .Where(d => d.Role == DroneRole.Normal && d.TakesWork(snapshot.Now))
            .ToDictionary(d => d.Id, d => Math.Min(d.FreeSlots, jobsPerDrone - d.BusySlots));
        var ready = graph.Startable(JobState.Ready).OrderByDescending(j => j.Priority).ThenBy(j => j.Id);

        foreach (var job in ready)
        {
            var drone = DroneEligibility.Candidates(job, snapshot.Drones, snapshot.Now)
                .Where(d => capacity.GetValueOrDefault(d.Id) > 0)
                .OrderByDescending(d => capacity[d.Id])
                .FirstOrDefault();
            if (drone is not null)
            {
                capacity[drone.Id]--;
                assignments.Add(new Assignment(job.Id, drone.Id));
            }
        }

        return assignments;
    }
}
