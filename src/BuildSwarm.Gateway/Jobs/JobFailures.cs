using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>
/// What a failed build does: the job is retried on another drone (<c>failed</c>), becomes <c>stuck</c>
/// after failing on enough distinct drones, or <c>broken</c> when even a sweeper failed, which blocks
/// every job below it. A drone that keeps failing is grounded and loses its leased work.
/// </summary>
public sealed partial class JobFailures(
    SwarmDatabase db,
    ChangeSignal signal,
    DroneControls controls,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<JobFailures> logger,
    IEventSink events)
{
    private readonly FailurePolicy _policy = new(new FailureOptions { MaxDistinctDrones = options.Value.Scheduling.MaxDistinctDrones });
    private readonly GroundingRule _grounding = new(new GroundingOptions
    {
        MaxFailures = options.Value.Scheduling.GroundAfterFailures,
        Window = TimeSpan.FromMinutes(options.Value.Scheduling.GroundWindowMinutes),
        Duration = TimeSpan.FromMinutes(options.Value.Scheduling.GroundForMinutes),
    });

    /// <summary>Null when the lease no longer holds the job: a stale report, dropped and not counted.</summary>
    public async Task<FailureOutcome?> FailAsync(long jobId, JobFailure failure, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        (string Build, string Cpv, string? Drone) job = default;
        var outcome = await db.WriteAsync<FailureOutcome?>(async (connection, tx) =>
        {
            if (await HolderAsync(connection, tx, jobId, failure.LeaseId, cancellationToken) is not { } holder)
            {
                return null;
            }

            job = await DescribeAsync(connection, tx, jobId, cancellationToken);

            var logPath = holder.Sweeper ? await SaveFullLogAsync(jobId, holder.Attempts + 1, failure.LogTail, cancellationToken) : null;
            await SwarmDatabase.ExecuteAsync(connection, tx,
                "INSERT INTO job_failures (job_id, drone_id, drone, sweeper, error, log_path, at) VALUES ($job, $droneId, $drone, $sweeper, $error, $log, $at)",
                cancellationToken, ("$job", jobId), ("$droneId", holder.DroneId), ("$drone", holder.Drone), ("$sweeper", holder.Sweeper ? 1 : 0),
                ("$error", Truncate(failure.Error, 2000)), ("$log", logPath), ("$at", now.ToUnixTimeMilliseconds()));

            var failedOn = await DronesFailedOnAsync(connection, tx, jobId, cancellationToken);
            var attempts = holder.Attempts + 1;
            var next = _policy.AfterFailure(failedOn, holder.Sweeper) switch
            {
                JobState.Ready when attempts >= options.Value.MaxAttempts => JobState.Stuck,
                JobState.Ready => JobState.Failed, // waits for a retry on another drone
                var state => state,
            };

            // Read the graph before this job leaves the active states, to know what hangs below it.
            var graph = next == JobState.Broken ? await JobSnapshot.ReadAsync(connection, tx, cancellationToken) : null;
            await SwarmDatabase.ExecuteAsync(connection, tx,
                "UPDATE jobs SET state = $state, attempts = $n, error = $error, log_tail = $log, lease_id = NULL, lease_deadline = NULL, started_at = NULL, updated_at = $now WHERE id = $id",
                cancellationToken, ("$state", next.ToWire()), ("$n", attempts), ("$error", Truncate(failure.Error, 2000)),
                ("$log", Truncate(failure.LogTail, 64_000)), ("$now", now.ToUnixTimeMilliseconds()), ("$id", jobId));

            var blocked = graph is null ? 0 : await BlockAsync(connection, tx, graph, jobId, now, cancellationToken);
            var grounded = holder.Sweeper ? null : await GroundIfFailingAsync(connection, tx, holder, now, cancellationToken);
            return new FailureOutcome(next, blocked, grounded, logPath, holder.DroneId);
        }, cancellationToken);

        if (outcome is null)
        {
            LogStale(jobId, failure.LeaseId);
            return null;
        }

        LogFailed(jobId, outcome.State.ToWire(), failure.Error);
        if (outcome.GroundedUntil is { } until)
        {
            controls.Grounded(outcome.DroneId, until);
            LogGrounded(outcome.DroneId, until);
        }

        signal.Pulse();
        await events.PublishAsync(SwarmEvents.Draft("job.failed", job.Build, jobId, job.Cpv, job.Drone, outcome.State.ToWire(), Truncate(failure.Error, 500)));
        return outcome;
    }

    private static async Task<Holder?> HolderAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, string leaseId, CancellationToken cancellationToken)
    {
        await using var command = SwarmDatabase.Command(connection, tx,
            $"SELECT attempts, COALESCE(lease_drone_id, lease_drone), lease_drone, lease_role FROM jobs WHERE id = $id AND lease_id = $lease AND state IN {JobStore.LeasedStates}",
            ("$id", jobId), ("$lease", leaseId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Holder(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? reader.GetString(1) : reader.GetString(2), !reader.IsDBNull(3) && reader.GetString(3) == "sweeper")
            : null;
    }

    private static Task<List<string>> DronesFailedOnAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, CancellationToken cancellationToken) =>
        SwarmDatabase.StringsAsync(connection, tx, "SELECT DISTINCT drone_id FROM job_failures WHERE job_id = $id AND sweeper = 0 AND rowid > COALESCE((SELECT failures_before FROM jobs WHERE id = $id), 0)", cancellationToken, ("$id", jobId));

    private static async Task<int> BlockAsync(SqliteConnection connection, SqliteTransaction tx, List<SchedulingJob> graph, long brokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var blocked = 0;
        foreach (var job in FailurePolicy.BlockedBy(graph, brokenId))
        {
            blocked += await SwarmDatabase.ExecuteAsync(connection, tx,
                "UPDATE jobs SET state = 'blocked', error = $why, updated_at = $now WHERE id = $id AND state IN ('waiting', 'ready', 'failed', 'stuck')",
                cancellationToken, ("$why", $"blocked by {job.BlockedBy}"), ("$now", now.ToUnixTimeMilliseconds()), ("$id", job.JobId));
        }

        return blocked;
    }

    /// <summary>Grounds the drone when its recent failures reach the limit, and returns its leased jobs to ready.</summary>
    private async Task<DateTimeOffset?> GroundIfFailingAsync(SqliteConnection connection, SqliteTransaction tx, Holder holder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recent = new List<DroneFailure>();
        await using (var command = SwarmDatabase.Command(connection, tx, "SELECT job_id, at FROM job_failures WHERE drone_id = $d AND sweeper = 0 AND at > $since",
            ("$d", holder.DroneId), ("$since", (now - _grounding.Options.Window).ToUnixTimeMilliseconds())))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recent.Add(new DroneFailure(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
            }
        }

        if (_grounding.GroundedUntil(recent, now) is not { } until)
        {
            return null;
        }

        await DroneControls.GroundAsync(connection, tx, holder.DroneId, holder.Drone, until, cancellationToken);
        // Revoked by clearing the lease: the next renewal reports it expired, the orchestrator tells the drone to stop.
        var returned = await SwarmDatabase.ExecuteAsync(connection, tx,
            $"UPDATE jobs SET state = 'ready', lease_id = NULL, lease_deadline = NULL, started_at = NULL, updated_at = $now WHERE lease_drone_id = $d AND state IN {JobStore.LeasedStates}",
            cancellationToken, ("$now", now.ToUnixTimeMilliseconds()), ("$d", holder.DroneId));
        LogReturned(holder.Drone, returned);
        return until;
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

    /// <summary>Build, CPV and lease holder of a job, for the events that report on it.</summary>
    private static async Task<(string Build, string Cpv, string? Drone)> DescribeAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, CancellationToken cancellationToken)
    {
        await using var command = SwarmDatabase.Command(connection, tx, "SELECT build_id, cpv, lease_drone FROM jobs WHERE id = $id", ("$id", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    private static string? Truncate(string? value, int max) =>
        value is null || value.Length <= max ? value : value[^max..];

    private sealed record Holder(int Attempts, string DroneId, string Drone, bool Sweeper);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed, now {State}: {Error}")]
    private partial void LogFailed(long jobId, string state, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a stale failure report for job {JobId}: lease {LeaseId} no longer holds it")]
    private partial void LogStale(long jobId, string leaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drone {Drone} failed too many jobs; {Returned} leased jobs returned to ready")]
    private partial void LogReturned(string drone, int returned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drone {DroneId} grounded until {Until:u}")]
    private partial void LogGrounded(string droneId, DateTimeOffset until);
}

/// <summary>Where a failure left the job, how many jobs it blocked, and whether it grounded its drone.</summary>
public sealed record FailureOutcome(JobState State, int Blocked, DateTimeOffset? GroundedUntil, string? LogPath, string DroneId);
