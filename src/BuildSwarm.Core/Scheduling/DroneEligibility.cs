using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Scheduling;

/// <summary>The rules every policy obeys, whatever it optimises.</summary>
internal static class DroneEligibility
{
    /// <summary>
    /// Drones that may build <paramref name="job"/>: the right role (stuck jobs to sweepers only), taking
    /// work, able to build the target. Drones the job already failed on are left out unless no other
    /// drone qualifies; being busy does not count, the job rather waits for a fresh drone.
    /// </summary>
    public static List<SchedulingDrone> Candidates(SchedulingJob job, IEnumerable<SchedulingDrone> drones, DateTimeOffset now)
    {
        var role = job.State == JobState.Stuck ? DroneRole.Sweeper : DroneRole.Normal;
        var fit = drones.Where(d => d.Role == role && d.TakesWork(now) && d.CanBuild(job.Target)).ToList();
        var fresh = fit.Where(d => !job.HasFailedOn(d.Id)).ToList();
        return fresh.Count > 0 ? fresh : fit;
    }
}
