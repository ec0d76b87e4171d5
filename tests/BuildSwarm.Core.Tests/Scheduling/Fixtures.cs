using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;

namespace BuildSwarm.Core.Tests.Scheduling;

/// <summary>Small builders for snapshots, so each test shows only what it is about.</summary>
internal static class Fixtures
{
    public const string Amd64 = "amd64";

    public static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static SchedulingJob Job(long id, string package, JobState state = JobState.Ready, long[]? deps = null, string target = Amd64) =>
        new(id, package, state, deps ?? [], target);

    public static SchedulingDrone Drone(
        string id, int cores = 8, double speed = 1.0, int slots = 2, int? free = null, DroneRole role = DroneRole.Normal) =>
        new(id, id, "home", cores, slots, free ?? slots, speed, new HashSet<string> { Amd64 }, role);

    public static BuildTimeEstimator Estimator(params (string Package, double Seconds)[] known)
    {
        var estimator = new BuildTimeEstimator();
        estimator.Import(new EstimatorState(known.Select(k => new PackageEstimate(k.Package, k.Seconds, 1)).ToList(), []));
        return estimator;
    }

    public static SchedulingSnapshot Snapshot(
        IReadOnlyList<SchedulingJob> jobs, IReadOnlyList<SchedulingDrone> drones, BuildTimeEstimator? estimator = null) =>
        new(Now, jobs, drones, estimator ?? new BuildTimeEstimator());

    public static Dictionary<long, string> Placement(this IReadOnlyList<Assignment> assignments) =>
        assignments.ToDictionary(a => a.JobId, a => a.DroneId);
}
