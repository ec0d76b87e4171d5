using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>
/// What a failed build does: the job is retried on another drone (<c>failed</c>), becomes <c>stuck</c>
/// after failing on enough distinct drones, or <c>broken</c> when even a sweeper failed, which blocks
/// every job below it. A drone that keeps failing is grounded and loses its leased work.
/// </summary>
public sealed partial class JobFailures(
    JobTables tables,
    ChangeSignal signal,
    DroneControls controls,
    IOptions<GatewayOptions> options,
    ILogger<JobFailures> logger,
    IEventSink events)
{
    private readonly FailureRules _rules = new(
        new FailurePolicy(new FailureOptions { MaxDistinctDrones = options.Value.Scheduling.MaxDistinctDrones }),
        new GroundingRule(new GroundingOptions
        {
            MaxFailures = options.Value.Scheduling.GroundAfterFailures,
            Window = TimeSpan.FromMinutes(options.Value.Scheduling.GroundWindowMinutes),
            Duration = TimeSpan.FromMinutes(options.Value.Scheduling.GroundForMinutes),
        }),
        options.Value.MaxAttempts);

    /// <summary>Null when the lease no longer holds the job: a stale report, dropped and not counted.</summary>
    public async Task<FailureOutcome?> FailAsync(long jobId, JobFailure failure, CancellationToken cancellationToken)
    {
        var outcome = await tables.RecordFailureAsync(jobId, failure, _rules, holder => SaveFullLogAsync(holder.JobId, holder.Attempt, failure.LogTail, cancellationToken), cancellationToken);
        if (outcome is null)
        {
            LogStale(jobId, failure.LeaseId);
            return null;
        }

        LogFailed(jobId, outcome.State.ToWire(), failure.Error);
        if (outcome.GroundedUntil is { } until)
        {
            LogReturned(outcome.Drone ?? outcome.DroneId, outcome.Returned);
            controls.Grounded(outcome.DroneId, until);
            LogGrounded(outcome.DroneId, until);
        }

        signal.Pulse();
        await events.PublishAsync(SwarmEvents.Draft("job.failed", outcome.BuildId, jobId, outcome.Cpv, outcome.Drone, outcome.State.ToWire(), JobTables.Truncate(failure.Error, 500)));
        return outcome;
    }

    /// <summary>A sweeper's log is the record of why a package is broken: kept whole, beside the database.</summary>
    private async Task<string?> SaveFullLogAsync(long jobId, int attempt, string? log, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(log))
        {
            return null;
        }

        var directory = Path.Combine(options.Value.DataDir, "logs");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"job-{jobId}-attempt-{attempt}.log");
        await File.WriteAllTextAsync(path, log, cancellationToken);
        return path;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed, now {State}: {Error}")]
    private partial void LogFailed(long jobId, string state, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a stale failure report for job {JobId}: lease {LeaseId} no longer holds it")]
    private partial void LogStale(long jobId, string leaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drone {Drone} failed too many jobs; {Returned} leased jobs returned to ready")]
    private partial void LogReturned(string drone, int returned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drone {DroneId} grounded until {Until:u}")]
    private partial void LogGrounded(string droneId, DateTimeOffset until);
}
