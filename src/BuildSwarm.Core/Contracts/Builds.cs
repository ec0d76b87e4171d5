using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Contracts;

/// <summary>
/// Body of <c>POST /api/gateway/build/submit</c>. <c>TreeSnapshot</c> is the Portage tree the build was planned on
/// (the repository's <c>metadata/timestamp.chk</c> line or git commit): drones bring their own tree to it before
/// building, or refuse.
/// </summary>
public sealed record SubmitBuildRequest(
    IReadOnlyList<PackageRequest>? Packages,
    string? Target = null,
    int Priority = 0,
    string? TreeSnapshot = null);

/// <summary>One package to build and the CPVs it needs published first.</summary>
public sealed record PackageRequest(string? Cpv, IReadOnlyList<string>? Deps = null);

public sealed record SubmitBuildResponse(string BuildId, int Jobs, int Ready);

/// <summary>
/// A build and its jobs. <c>State</c>: <c>running</c>, <c>done</c>, <c>stalled</c> (nothing can move any more;
/// each job that is not done has a <c>Reason</c>) or <c>cancelled</c>.
/// </summary>
public sealed record BuildView(
    string BuildId,
    string State,
    string Target,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<JobView> Jobs);

public sealed record JobView(
    long Id,
    string Cpv,
    JobState State,
    int Attempts,
    string? Drone,
    string? Error,
    string? Path,
    IReadOnlyList<string> Deps,
    string? Reason = null);

/// <summary>A build in a listing; <c>Reason</c> says why a stalled build stands still (its first job's reason).</summary>
public sealed record BuildSummary(string BuildId, string State, DateTimeOffset CreatedAt, int Jobs, int Done, string? Reason = null);

/// <summary>
/// What an operator's queue action did (<c>cancel</c>, <c>retry</c>, <c>unblock</c>): how many jobs it moved,
/// how many leases it took back from drones, and in words what else happened.
/// </summary>
public sealed record QueueActionReply(string Action, string BuildId, int Jobs, int ReleasedLeases = 0, long? JobId = null, string? Detail = null);
