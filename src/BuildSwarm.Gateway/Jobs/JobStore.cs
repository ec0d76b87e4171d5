using System.Security.Cryptography;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>Builds, jobs and leases: every state change of a job goes through here.</summary>
public sealed partial class JobStore(
    JobTables tables,
    ChangeSignal signal,
    LeasePlanner planner,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<JobStore> logger,
    IEventSink events)
{
    public async Task<SubmitBuildResponse> SubmitAsync(SubmitBuildRequest request, CancellationToken cancellationToken)
    {
        var buildId = $"b{time.GetUtcNow():yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var target = request.Target ?? options.Value.DefaultTarget;
        var packages = request.Packages!;
        var ready = await tables.SubmitAsync(buildId, target, request.Priority, request.TreeSnapshot, packages, cancellationToken);
        var response = new SubmitBuildResponse(buildId, packages.Count, ready);

        LogSubmitted(buildId, response.Jobs, response.Ready);
        signal.Pulse();
        await events.PublishAsync(SwarmEvents.Draft("build.submitted", buildId, detail: $"{response.Jobs} jobs, {response.Ready} ready"));
        return response;
    }

    /// <summary>
    /// Leases to one drone the jobs the scheduling plan assigns to it (at most <c>Max</c>); none when the
    /// plan keeps the ready jobs for other drones.
    /// </summary>
    public async Task<IReadOnlyList<JobLease>> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        var planned = await planner.TakeAsync(request, cancellationToken);
        if (planned.JobIds.Count == 0)
        {
            return [];
        }

        var holder = new LeaseHolder(request.DroneName, request.DroneId, planned.Drone.Role == DroneRole.Sweeper, planned.Drone.Cores, request.OrchestratorId, planned.JobCores);
        var deadline = time.GetUtcNow().AddSeconds(options.Value.LeaseSeconds);
        var leased = await tables.LeaseAsync(planned.JobIds, holder, deadline, () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), cancellationToken);
        foreach (var (lease, _) in leased)
        {
            LogLeased(lease.JobId, lease.Cpv, request.DroneName);
        }

        await events.PublishAsync([.. leased.Select(l => SwarmEvents.Draft("job.leased", l.Lease.BuildId, l.Lease.JobId, l.Lease.Cpv, request.DroneName, "leased",
            seconds: l.WaitedSeconds))]);
        return [.. leased.Select(l => l.Lease)];
    }

    public async Task<LeaseRenewalReply> RenewAsync(IReadOnlyList<string> leaseIds, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow().AddSeconds(options.Value.LeaseSeconds);
        var expired = await tables.RenewAsync(leaseIds, deadline, cancellationToken);
        return new LeaseRenewalReply(expired, deadline);
    }

    /// <summary>Returns jobs whose lease ran out to the ready queue. Not a failure: the drone may just be gone.</summary>
    public async Task<int> ExpireLeasesAsync(CancellationToken cancellationToken)
    {
        var gone = await tables.ExpireLeasesAsync(cancellationToken);
        if (gone.Count > 0)
        {
            LogExpired(gone.Count);
            signal.Pulse();
            await events.PublishAsync([.. gone.Select(j => SwarmEvents.Draft("job.expired", j.BuildId, j.JobId, j.Cpv, j.Drone, "ready"))]);
        }

        return gone.Count;
    }

    /// <summary>The job an upload claims to complete, if the lease is one this job ever had and the job is not done yet.</summary>
    public Task<UploadClaim?> FindUploadClaimAsync(long jobId, string leaseId, CancellationToken cancellationToken) =>
        tables.FindUploadClaimAsync(jobId, leaseId, cancellationToken);

    public void NotifyReady() => signal.Pulse();

    [LoggerMessage(Level = LogLevel.Information, Message = "Build {BuildId} submitted: {Jobs} jobs, {Ready} ready")]
    private partial void LogSubmitted(string buildId, int jobs, int ready);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Cpv}) leased to drone {Drone}")]
    private partial void LogLeased(long jobId, string cpv, string drone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} leases expired; their jobs are ready again")]
    private partial void LogExpired(int count);
}
