using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

/// <summary>The rules a failure is judged by; policy objects of the scheduling core.</summary>
public sealed record FailureRules(FailurePolicy Policy, GroundingRule Grounding, int MaxAttempts);

/// <summary>
/// Where a failure left the job, how many jobs it blocked, whether it grounded its drone (and how many
/// leased jobs that returned), and the job's build and CPV for the event.
/// </summary>
public sealed record FailureOutcome(
    JobState State, int Blocked, DateTimeOffset? GroundedUntil, string? LogPath, string DroneId, string BuildId, string Cpv, string? Drone, int Returned);

/// <summary>A failure's holder as the lease recorded it; a sweeper's log is kept whole.</summary>
public sealed record FailureHolder(long JobId, int Attempt, bool Sweeper);

public sealed partial class JobTables
{
    /// <summary>
    /// One unit of work for a failure report: records it, moves the job on by <paramref name="rules"/>, blocks
    /// what hangs below a broken job and grounds a drone that keeps failing. Null when the lease no longer
    /// holds the job. <paramref name="keepLog"/> stores a sweeper's full log and returns where.
    /// </summary>
    public Task<FailureOutcome?> RecordFailureAsync(
        long jobId, JobFailure failure, FailureRules rules, Func<FailureHolder, Task<string?>> keepLog, CancellationToken cancellationToken) =>
        db.WriteAsync<FailureOutcome?>(async (connection, tx) =>
        {
            var now = time.GetUtcNow();
            if (await HolderAsync(connection, tx, jobId, failure.LeaseId, cancellationToken) is not { } holder)
            {
                return null;
            }

            var job = await DescribeAsync(connection, tx, jobId, cancellationToken);
            var logPath = holder.Sweeper ? await keepLog(new FailureHolder(jobId, holder.Attempts + 1, true)) : null;
            await SwarmDatabase.ExecuteAsync(connection, tx,
                "INSERT INTO job_failures (job_id, drone_id, drone, sweeper, error, log_path, at) VALUES ($job, $droneId, $drone, $sweeper, $error, $log, $at)",
                cancellationToken, ("$job", jobId), ("$droneId", holder.DroneId), ("$drone", holder.Drone), ("$sweeper", holder.Sweeper ? 1 : 0),
                ("$error", Truncate(failure.Error, 2000)), ("$log", logPath), ("$at", now.ToUnixTimeMilliseconds()));

            var failedOn = await DronesFailedOnAsync(connection, tx, jobId, cancellationToken);
            var attempts = holder.Attempts + 1;
            var next = rules.Policy.AfterFailure(failedOn, holder.Sweeper) switch
            {
                JobState.Ready when attempts >= rules.MaxAttempts => JobState.Stuck,
                JobState.Ready => JobState.Failed, // waits for a retry on another drone
                var state => state,
            };

            // Read the graph before this job leaves the active states, to know what hangs below it.
            var graph = next == JobState.Broken ? await SnapshotAsync(connection, tx, cancellationToken) : null;
            await SwarmDatabase.ExecuteAsync(connection, tx,
                "UPDATE jobs SET state = $state, attempts = $n, error = $error, log_tail = $log, lease_id = NULL, lease_deadline = NULL, started_at = NULL, updated_at = $now WHERE id = $id",
                cancellationToken, ("$state", next.ToWire()), ("$n", attempts), ("$error", Truncate(failure.Error, 2000)),
                ("$log", Truncate(failure.LogTail, 64_000)), ("$now", now.ToUnixTimeMilliseconds()), ("$id", jobId));

            var blocked = graph is null ? 0 : await BlockAsync(connection, tx, graph, jobId, now, cancellationToken);
            var (grounded, returned) = holder.Sweeper ? (null, 0) : await GroundIfFailingAsync(connection, tx, holder, rules.Grounding, now, cancellationToken);
            return new FailureOutcome(next, blocked, grounded, logPath, holder.DroneId, job.Build, job.Cpv, job.Drone, returned);
        }, cancellationToken);

    private static async Task<Holder?> HolderAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, string leaseId, CancellationToken cancellationToken)
    {
        await using var command = SwarmDatabase.Command(connection, tx,
            $"SELECT attempts, COALESCE(lease_drone_id, lease_drone), lease_drone, lease_role FROM jobs WHERE id = $id AND lease_id = $lease AND state IN {LeasedStates}",
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
    private static async Task<(DateTimeOffset? Until, int Returned)> GroundIfFailingAsync(SqliteConnection connection, SqliteTransaction tx, Holder holder, GroundingRule grounding, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recent = new List<DroneFailure>();
        await using (var command = SwarmDatabase.Command(connection, tx, "SELECT job_id, at FROM job_failures WHERE drone_id = $d AND sweeper = 0 AND at > $since",
            ("$d", holder.DroneId), ("$since", (now - grounding.Options.Window).ToUnixTimeMilliseconds())))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recent.Add(new DroneFailure(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
            }
        }

        if (grounding.GroundedUntil(recent, now) is not { } until)
        {
            return (null, 0);
        }

        await DroneControlTables.GroundAsync(connection, tx, holder.DroneId, holder.Drone, until, cancellationToken);
        // Revoked by clearing the lease: the next renewal reports it expired, the orchestrator tells the drone to stop.
        var returned = await SwarmDatabase.ExecuteAsync(connection, tx,
            $"UPDATE jobs SET state = 'ready', lease_id = NULL, lease_deadline = NULL, started_at = NULL, updated_at = $now WHERE lease_drone_id = $d AND state IN {LeasedStates}",
            cancellationToken, ("$now", now.ToUnixTimeMilliseconds()), ("$d", holder.DroneId));
        return (until, returned);
    }

    /// <summary>Build, CPV and lease holder of a job, for the events that report on it.</summary>
    private static async Task<(string Build, string Cpv, string? Drone)> DescribeAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, CancellationToken cancellationToken)
    {
        await using var command = SwarmDatabase.Command(connection, tx, "SELECT build_id, cpv, lease_drone FROM jobs WHERE id = $id", ("$id", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>The last <paramref name="max"/> characters: the end of an error or log is where the cause is.</summary>
    internal static string? Truncate(string? value, int max) =>
        value is null || value.Length <= max ? value : value[^max..];

    private sealed record Holder(int Attempts, string DroneId, string Drone, bool Sweeper);
}
