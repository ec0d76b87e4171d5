using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Scheduling;

/// <summary>Stuck jobs go to idle sweepers, one job per sweeper at a time, highest priority first.</summary>
internal static class StuckJobs
{
    public static IEnumerable<Assignment> AssignToSweepers(SchedulingSnapshot snapshot, JobGraph graph)
    {
        var idle = snapshot.Drones
            .Where(d => d.Role == DroneRole.Sweeper && d.FreeSlots > 0 && d.BusySlots == 0 && !IsRunningAnything(graph, d))
            .ToList();
        var stuck = graph.Startable(JobState.Stuck).OrderByDescending(j => j.Priority).ThenBy(j => j.Id);
        foreach (var job in stuck)
        {
            var sweeper = DroneEligibility.Candidates(job, idle, snapshot.Now).FirstOrDefault();
            if (sweeper is not null)
            {
                idle.Remove(sweeper);
                yield return new Assignment(job.Id, sweeper.Id);
            }
        }
    }

    private static bool IsRunningAnything(JobGraph graph, SchedulingDrone sweeper) =>
        graph.Jobs.Any(j => j.DroneId == sweeper.Id && j.State.IsLeased());
}
