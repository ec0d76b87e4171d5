namespace BuildSwarm.Core.Contracts;

/// <summary>
/// One state change in the swarm, numbered in the order the gateway recorded it. Fields that do not
/// apply to a <see cref="Type"/> are null; see docs/monitoring.md for the list of types.
/// </summary>
public sealed record SwarmEvent(
    long Seq,
    DateTimeOffset At,
    string Type,
    string? BuildId = null,
    long? JobId = null,
    string? Cpv = null,
    string? Drone = null,
    string? State = null,
    string? Detail = null,
    double? Seconds = null);

/// <summary>Answer of <c>GET /api/gateway/monitor</c>: what the dashboard shows beyond <see cref="SwarmStatus"/>.</summary>
public sealed record MonitorView(
    IReadOnlyList<RunningJobView> Running,
    IReadOnlyList<FailedJobView> Failures,
    BuildProgressView Progress,
    BinhostView Binhost,
    EnergyView Energy,
    long LastEventSeq);

/// <summary>A job a drone holds now, since when.</summary>
public sealed record RunningJobView(long JobId, string BuildId, string Cpv, string State, string? Drone, DateTimeOffset Since);

public sealed record FailedJobView(long JobId, string BuildId, string Cpv, string State, string? Drone, string? Error, DateTimeOffset At, bool HasLog);

/// <summary>Job counts over the dependency graphs of the builds still running (all builds when none runs).</summary>
public sealed record BuildProgressView(int Total, int Done, int Ready, int Building, int Waiting, int Blocked, int Stuck, int Failed);

public sealed record BinhostView(int Packages, long Bytes, IReadOnlyList<PublishedPackageView> Latest);

public sealed record PublishedPackageView(string Cpv, int BuildId, long Size, DateTimeOffset At);

/// <summary>Energy the swarm consumed, integrated by the gateway from the drones' power reports.</summary>
public sealed record EnergyView(
    double CurrentWatts,
    double KwhToday,
    double KwhTotal,
    double? PricePerKwh,
    string Currency,
    IReadOnlyList<EnergyItem> Packages,
    IReadOnlyList<EnergyItem> Builds);

public sealed record EnergyItem(string Key, double Kwh, double? Cost);
