using BuildSwarm.Core.Contracts;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

/// <summary>
/// Operator actions on the queue. Each is one transaction that loses nothing: a cancelled job keeps its
/// history and its lease row (a late upload is told it was cancelled), a retried job keeps its failures
/// (they just stop counting), an unblocked job says which dependencies it no longer waits for.
/// </summary>
public sealed partial class JobTables
{
    private const string Retryable = "('failed','stuck','broken','blocked','cancelled')";

    /// <summary>Cancels every job of the build that is not over; leased ones lose their lease (the drone is told at its next renewal).</summary>
    public Task<QueueOutcome> CancelBuildAsync(string buildId, CancellationToken cancellationToken) =>
        ActAsync(buildId, async (connection, tx, now) =>
        {
            var released = Convert.ToInt32(await SwarmDatabase.ScalarAsync(connection, tx,
                $"SELECT COUNT(*) FROM jobs WHERE build_id = $b AND state IN {LeasedStates}", cancellationToken, ("$b", buildId)));
            var cancelled = await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                UPDATE jobs SET state = 'cancelled', lease_id = NULL, lease_deadline = NULL, started_at = NULL, error = 'cancelled by an operator', updated_at = $now
                WHERE build_id = $b AND state NOT IN ('done', 'broken', 'blocked', 'cancelled')
                """, cancellationToken, ("$b", buildId), ("$now", now));
            return cancelled == 0
                ? QueueOutcome.Conflict($"build {buildId} has no job left to cancel")
                : QueueOutcome.Ok(new QueueActionReply("cancel", buildId, cancelled, released, Detail: $"{cancelled} jobs cancelled, {released} leases released"));
        }, cancellationToken);

    /// <summary>Gives every failed, stuck, broken, blocked or cancelled job of the build a fresh start.</summary>
    public Task<QueueOutcome> RetryBuildAsync(string buildId, CancellationToken cancellationToken) =>
        ActAsync(buildId, async (connection, tx, now) =>
        {
            var retried = await RestartAsync(connection, tx, $"build_id = $b AND state IN {Retryable}", now, cancellationToken, ("$b", buildId));
            if (retried == 0)
            {
                return QueueOutcome.Conflict($"build {buildId} has no failed, stuck, broken, blocked or cancelled job to retry");
            }

            var ready = await ReadyWaitingAsync(connection, tx, buildId, now, cancellationToken);
            return QueueOutcome.Ok(new QueueActionReply("retry", buildId, retried, Detail: $"{retried} jobs retried, {ready} ready"));
        }, cancellationToken);

    /// <summary>Gives one job a fresh start (its failures stop counting), and the jobs it blocked their wait back.</summary>
    public Task<QueueOutcome> RetryJobAsync(long jobId, CancellationToken cancellationToken) =>
        ActOnJobAsync(jobId, async (connection, tx, buildId, state, now) =>
        {
            if (state is not ("failed" or "stuck" or "broken" or "cancelled"))
            {
                return QueueOutcome.Conflict($"job {jobId} is {state}; only failed, stuck, broken or cancelled jobs can be retried (a blocked one: 'jobs unblock')");
            }

            await RestartAsync(connection, tx, "id = $id", now, cancellationToken, ("$id", jobId));
            var unblocked = await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                WITH RECURSIVE below(id) AS (SELECT $id UNION SELECT d.job_id FROM job_deps d JOIN below b ON d.dep_job_id = b.id)
                UPDATE jobs SET state = 'waiting', error = NULL, updated_at = $now WHERE id IN (SELECT id FROM below) AND state = 'blocked'
                """, cancellationToken, ("$id", jobId), ("$now", now));
            await ReadyWaitingAsync(connection, tx, buildId, now, cancellationToken);
            return QueueOutcome.Ok(new QueueActionReply("retry", buildId, 1 + unblocked, JobId: jobId, Detail: $"job {jobId} retried, {unblocked} jobs below it wait for it again"));
        }, cancellationToken);

    /// <summary>
    /// Lets a blocked job build without what blocks it: its edges to broken, blocked or cancelled jobs are
    /// dropped (named in the reply and the event), and it waits only for the rest.
    /// </summary>
    public Task<QueueOutcome> UnblockJobAsync(long jobId, CancellationToken cancellationToken) =>
        ActOnJobAsync(jobId, async (connection, tx, buildId, state, now) =>
        {
            if (state != "blocked")
            {
                return QueueOutcome.Conflict($"job {jobId} is {state}, not blocked");
            }

            var dropped = await SwarmDatabase.StringsAsync(connection, tx,
                "SELECT j.cpv FROM job_deps d JOIN jobs j ON j.id = d.dep_job_id WHERE d.job_id = $id AND j.state IN ('broken','blocked','cancelled') ORDER BY j.cpv",
                cancellationToken, ("$id", jobId));
            await SwarmDatabase.ExecuteAsync(connection, tx,
                "DELETE FROM job_deps WHERE job_id = $id AND dep_job_id IN (SELECT id FROM jobs WHERE state IN ('broken','blocked','cancelled'))",
                cancellationToken, ("$id", jobId));
            await SwarmDatabase.ExecuteAsync(connection, tx, "UPDATE jobs SET state = 'waiting', error = NULL, updated_at = $now WHERE id = $id",
                cancellationToken, ("$id", jobId), ("$now", now));
            await ReadyWaitingAsync(connection, tx, buildId, now, cancellationToken);
            var detail = dropped.Count == 0 ? $"job {jobId} unblocked" : $"job {jobId} unblocked; no longer waits for {string.Join(", ", dropped)}";
            return QueueOutcome.Ok(new QueueActionReply("unblock", buildId, 1, JobId: jobId, Detail: detail));
        }, cancellationToken);

    private async Task<QueueOutcome> ActAsync(string buildId,
        Func<SqliteConnection, SqliteTransaction, long, Task<QueueOutcome>> work, CancellationToken cancellationToken)
    {
        var outcome = await db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ScalarAsync(connection, tx, "SELECT 1 FROM builds WHERE id = $b", cancellationToken, ("$b", buildId)) is null
                ? QueueOutcome.NotFound($"no build '{buildId}'")
                : await work(connection, tx, Now), cancellationToken);
        return outcome;
    }

    private async Task<QueueOutcome> ActOnJobAsync(long jobId,
        Func<SqliteConnection, SqliteTransaction, string, string, long, Task<QueueOutcome>> work, CancellationToken cancellationToken)
    {
        var outcome = await db.WriteAsync(async (connection, tx) =>
        {
            await using var command = SwarmDatabase.Command(connection, tx, "SELECT build_id, state FROM jobs WHERE id = $id", ("$id", jobId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return QueueOutcome.NotFound($"no job {jobId}");
            }

            var (buildId, state) = (reader.GetString(0), reader.GetString(1));
            await reader.DisposeAsync();
            return await work(connection, tx, buildId, state, Now);
        }, cancellationToken);
        return outcome;
    }

    /// <summary>Back to waiting with no attempts and no failures that count; the lease, if any, is taken back.</summary>
    private static Task<int> RestartAsync(SqliteConnection connection, SqliteTransaction tx, string where, long now, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        SwarmDatabase.ExecuteAsync(connection, tx,
            $"""
            UPDATE jobs SET state = 'waiting', attempts = 0, error = NULL, lease_id = NULL, lease_deadline = NULL, started_at = NULL, updated_at = $now,
                failures_before = (SELECT COALESCE(MAX(rowid), 0) FROM job_failures)
            WHERE {where}
            """, cancellationToken, [.. parameters, ("$now", now)]);

    /// <summary>Waiting jobs of the build whose dependencies are all done become ready.</summary>
    private static Task<int> ReadyWaitingAsync(SqliteConnection connection, SqliteTransaction tx, string buildId, long now, CancellationToken cancellationToken) =>
        SwarmDatabase.ExecuteAsync(connection, tx,
            """
            UPDATE jobs SET state = 'ready', updated_at = $now
            WHERE build_id = $b AND state = 'waiting'
              AND NOT EXISTS (SELECT 1 FROM job_deps d JOIN jobs dj ON dj.id = d.dep_job_id WHERE d.job_id = jobs.id AND dj.state <> 'done')
            """, cancellationToken, ("$b", buildId), ("$now", now));
}

/// <summary>A queue action's result: a reply, or why it was refused (not found, or a conflict with the job's state).</summary>
public sealed record QueueOutcome(QueueActionReply? Reply, string? Missing, string? Refused)
{
    public static QueueOutcome Ok(QueueActionReply reply) => new(reply, null, null);

    public static QueueOutcome NotFound(string detail) => new(null, detail, null);

    public static QueueOutcome Conflict(string detail) => new(null, null, detail);
}
