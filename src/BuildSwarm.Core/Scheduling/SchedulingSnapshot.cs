using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Scheduling;

/// <summary>
/// Everything a policy may look at when it decides which job goes where. It must contain every job of
/// the active builds that is not done yet: a dependency id that is not in <see cref="Jobs"/> counts as done.
/// </summary>
public sealed record SchedulingSnapshot(
    DateTimeOffset Now,
    IReadOnlyList<SchedulingJob> Jobs,
    IReadOnlyList<SchedulingDrone> Drones,
    BuildTimeEstimator Estimator);

/// <summary>
/// A job as the scheduler sees it. <c>PackageKey</c> is a CPV or CP, the estimator's key. <c>FailedOn</c>
/// holds the drones it already failed on. While leased, building or uploading, <c>DroneId</c> and
/// <c>StartedAt</c> say where and since when, so the scheduler can guess when that slot frees.
/// </summary>
public sealed record SchedulingJob(
    long Id,
    string PackageKey,
    JobState State,
    IReadOnlyList<long> Deps,
    string Target,
    int Priority = 0,
    IReadOnlySet<string>? FailedOn = null,
    string? DroneId = null,
    DateTimeOffset? StartedAt = null)
{
    public bool HasFailedOn(string droneId) => FailedOn?.Contains(droneId) == true;
}

/// <summary>
/// A drone as the scheduler sees it. <c>Speed</c> is relative to the reference drone (1.0, see
/// <see cref="BuildTimeEstimator"/>); <c>Targets</c> names the targets it can build.
/// </summary>
public sealed record SchedulingDrone(
    string Id,
    string Name,
    string Site,
    int Cores,
    int Slots,
    int FreeSlots,
    double Speed,
    IReadOnlySet<string> Targets,
    DroneRole Role = DroneRole.Normal,
    bool Drained = false,
    DateTimeOffset? GroundedUntil = null)
{
    /// <summary>Slots taken by jobs the drone is working on right now.</summary>
    public int BusySlots => Math.Max(0, Slots - FreeSlots);

    /// <summary>Drained and grounded drones get nothing new.</summary>
    public bool TakesWork(DateTimeOffset now) => !Drained && (GroundedUntil is null || GroundedUntil <= now);

    public bool CanBuild(string target) => Targets.Contains(target);
}
