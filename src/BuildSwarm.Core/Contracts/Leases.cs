using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;

namespace BuildSwarm.Core.Contracts;

/// <summary>An orchestrator asks for work for one of its drones; only jobs of <c>Targets</c> (when given) fit the drone.</summary>
/// <remarks>
/// <c>Role</c>, <c>Cores</c> and <c>Slots</c> describe the asking drone, so the gateway can plan for a drone
/// its orchestrator has not synced yet (0 = unknown).
/// </remarks>
public sealed record LeaseRequest(
    string OrchestratorId,
    string DroneId,
    string DroneName,
    int Max = 1,
    IReadOnlyList<string>? Targets = null,
    DroneRole Role = DroneRole.Normal,
    int Cores = 0,
    int Slots = 0);

public sealed record LeaseReply(IReadOnlyList<JobLease> Leases);

/// <summary>
/// One job handed to one drone until <see cref="Deadline"/>, which heartbeats extend. <c>TreeSnapshot</c> is the
/// Portage tree its build was planned on, when the submitter recorded one. <c>Cores</c> caps the parallel make jobs
/// the drone uses for it (an operator's core limit); 0 leaves the drone's own setting.
/// </summary>
public sealed record JobLease(
    long JobId,
    string LeaseId,
    string BuildId,
    string Cpv,
    string Target,
    DateTimeOffset Deadline,
    int Attempt,
    IReadOnlyList<string> Deps,
    string? TreeSnapshot = null,
    int Cores = 0);

public sealed record LeaseRenewal(IReadOnlyList<string> LeaseIds);

/// <summary>Which of the renewed leases the gateway no longer honours.</summary>
public sealed record LeaseRenewalReply(IReadOnlyList<string> Expired, DateTimeOffset Deadline);

public sealed record JobProgress(string LeaseId, JobState State);

public sealed record JobFailure(string LeaseId, string Error, string? LogTail = null);

public sealed record UploadAccepted(long JobId, string Cpv, string Path, int BuildId, long Size);
