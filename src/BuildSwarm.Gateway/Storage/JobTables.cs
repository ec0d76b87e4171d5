using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

/// <summary>Who takes a lease: the drone, the slot kind and cores the plan gave it, and its orchestrator.</summary>
/// <c>JobCores</c> is the cores each job may use (an operator's cap divided over the slots; 0 for no cap).
public sealed record LeaseHolder(string DroneName, string DroneId, bool Sweeper, int Cores, string? OrchestratorId, int JobCores = 0);

/// <summary>A job now leased, with how long it had waited for a drone.</summary>
public sealed record LeasedJob(JobLease Lease, double WaitedSeconds);

/// <summary>A job a drone held a lease on: still running, or its lease just ran out.</summary>
public sealed record HeldJob(long JobId, string BuildId, string Cpv, string? Drone);

/// <summary>The job an upload claims to complete.</summary>
public sealed record UploadClaim(long JobId, string Cpv, string Target, JobState State);

/// <summary>
/// Owner of the <c>builds</c>, <c>jobs</c>, <c>job_deps</c>, <c>leases</c> and <c>job_failures</c> tables:
/// every statement over them is in this class (its partial files), so a job's state changes have one home.
/// </summary>
public sealed partial class JobTables(SwarmDatabase db, TimeProvider time)
{
    internal const string LeasedStates = "('leased','building','uploading')";

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Inserts a build and its jobs; a job with no open dependency is ready at once. Returns the ready count.</summary>
    public Task<int> SubmitAsync(string buildId, string target, int priority, string? treeSnapshot, IReadOnlyList<PackageRequest> packages, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
        {
            var now = Now;
            await SwarmDatabase.ExecuteAsync(connection, tx, "INSERT INTO builds (id, target, priority, created_at, tree_snapshot) VALUES ($id, $target, $priority, $now, $tree)", cancellationToken,
                ("$id", buildId), ("$target", target), ("$priority", priority), ("$now", now), ("$tree", treeSnapshot));

            var ids = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var package in packages)
            {
                ids[package.Cpv!] = Convert.ToInt64(await SwarmDatabase.ScalarAsync(connection, tx,
                    "INSERT INTO jobs (build_id, cpv, target, priority, state, updated_at) VALUES ($b, $cpv, $t, $p, 'waiting', $now) RETURNING id", cancellationToken,
                    ("$b", buildId), ("$cpv", package.Cpv), ("$t", target), ("$p", priority), ("$now", now)));
            }

            var ready = 0;
            foreach (var package in packages)
            {
                var jobId = ids[package.Cpv!];
                var openDeps = 0;
                foreach (var dep in (package.Deps ?? []).Distinct(StringComparer.Ordinal))
                {
                    var depJob = ids.TryGetValue(dep, out var inBuild) ? inBuild : await FindOpenJobAsync(connection, tx, dep, target, cancellationToken);
                    if (depJob is null)
                    {
                        continue; // published already, or provided by the drone's own system
                    }

                    await SwarmDatabase.ExecuteAsync(connection, tx, "INSERT INTO job_deps (job_id, dep_job_id) VALUES ($j, $d)", cancellationToken, ("$j", jobId), ("$d", depJob));
                    openDeps++;
                }

                if (openDeps == 0)
                {
                    await SwarmDatabase.ExecuteAsync(connection, tx, "UPDATE jobs SET state = 'ready', updated_at = $now WHERE id = $id", cancellationToken,
                        ("$now", now), ("$id", jobId));
                    ready++;
                }
            }

            return ready;
        }, cancellationToken);

    /// <summary>Leases the planned jobs that still wait for a drone; a job taken meanwhile is skipped.</summary>
    public Task<List<LeasedJob>> LeaseAsync(IReadOnlyList<long> jobIds, LeaseHolder holder, DateTimeOffset deadline, Func<string> newLeaseId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
        {
            var result = new List<LeasedJob>();
            foreach (var jobId in jobIds)
            {
                var leaseId = newLeaseId();
                var now = Now;
                var waited = await SwarmDatabase.ScalarAsync(connection, tx, "SELECT updated_at FROM jobs WHERE id = $id", cancellationToken, ("$id", jobId)) is { } since
                    ? Math.Max(0, (now - Convert.ToInt64(since)) / 1000.0)
                    : 0;
                (string Build, string Cpv, string Target, int Attempts)? job = null;

                // The plan may be a moment old: only a job that still waits for a drone is taken.
                await using (var update = SwarmDatabase.Command(connection, tx,
                    """
                    UPDATE jobs SET state = 'leased', lease_id = $lease, lease_drone = $drone, lease_drone_id = $droneId, lease_role = $role,
                        lease_cores = $cores, lease_orchestrator = $orch, lease_deadline = $deadline, leased_at = $now, started_at = NULL, updated_at = $now
                    WHERE id = $id AND state IN ('ready', 'failed', 'stuck')
                    RETURNING build_id, cpv, target, attempts
                    """,
                    ("$lease", leaseId), ("$drone", holder.DroneName), ("$droneId", holder.DroneId), ("$role", holder.Sweeper ? "sweeper" : "normal"),
                    ("$cores", holder.Cores), ("$orch", holder.OrchestratorId), ("$deadline", deadline.ToUnixTimeMilliseconds()), ("$now", now), ("$id", jobId)))
                await using (var reader = await update.ExecuteReaderAsync(cancellationToken))
                {
                    if (await reader.ReadAsync(cancellationToken))
                    {
                        job = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
                    }
                }

                if (job is not { } j)
                {
                    continue;
                }

                await SwarmDatabase.ExecuteAsync(connection, tx, "INSERT INTO leases (id, job_id, drone, created_at) VALUES ($lease, $id, $drone, $now)",
                    cancellationToken, ("$lease", leaseId), ("$id", jobId), ("$drone", holder.DroneName), ("$now", now));
                var deps = await SwarmDatabase.StringsAsync(connection, tx,
                    "SELECT j.cpv FROM job_deps d JOIN jobs j ON j.id = d.dep_job_id WHERE d.job_id = $id ORDER BY j.cpv", cancellationToken, ("$id", jobId));
                var tree = (string?)await SwarmDatabase.ScalarAsync(connection, tx, "SELECT tree_snapshot FROM builds WHERE id = $b", cancellationToken, ("$b", j.Build));
                result.Add(new LeasedJob(new JobLease(jobId, leaseId, j.Build, j.Cpv, j.Target, deadline, j.Attempts + 1, deps, tree, holder.JobCores), waited));
            }

            return result;
        }, cancellationToken);

    /// <summary>Extends the leases still held; returns the ids of those that are gone.</summary>
    public Task<List<string>> RenewAsync(IReadOnlyList<string> leaseIds, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
        {
            var gone = new List<string>();
            foreach (var leaseId in leaseIds.Distinct(StringComparer.Ordinal).Take(10_000))
            {
                var changed = await SwarmDatabase.ExecuteAsync(connection, tx,
                    $"UPDATE jobs SET lease_deadline = $deadline WHERE lease_id = $lease AND state IN {LeasedStates}",
                    cancellationToken, ("$deadline", deadline.ToUnixTimeMilliseconds()), ("$lease", leaseId));
                if (changed == 0)
                {
                    gone.Add(leaseId);
                }
            }

            return gone;
        }, cancellationToken);

    /// <summary>Returns jobs whose lease ran out to the ready queue.</summary>
    public Task<List<HeldJob>> ExpireLeasesAsync(CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
        {
            var now = Now;
            var gone = new List<HeldJob>();
            await using (var select = SwarmDatabase.Command(connection, tx,
                $"SELECT id, build_id, cpv, lease_drone FROM jobs WHERE state IN {LeasedStates} AND lease_deadline < $now", ("$now", now)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    gone.Add(new HeldJob(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
                }
            }

            await SwarmDatabase.ExecuteAsync(connection, tx,
                $"UPDATE jobs SET state = 'ready', lease_id = NULL, lease_deadline = NULL, lease_drone = NULL, updated_at = $now WHERE state IN {LeasedStates} AND lease_deadline < $now",
                cancellationToken, ("$now", now));
            return gone;
        }, cancellationToken);

    /// <summary>The job an upload claims to complete, if the lease is one this job ever had.</summary>
    public Task<UploadClaim?> FindUploadClaimAsync(long jobId, string leaseId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = SwarmDatabase.Command(connection, null,
                "SELECT j.cpv, j.target, j.state FROM jobs j JOIN leases l ON l.job_id = j.id WHERE j.id = $id AND l.id = $lease",
                ("$id", jobId), ("$lease", leaseId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new UploadClaim(jobId, reader.GetString(0), reader.GetString(1), JobStates.FromWire(reader.GetString(2)));
        }, cancellationToken);

    /// <summary>
    /// Inside the publishing unit of work: marks the job done and readies its dependants.
    /// False when the job was already completed by another drone (a duplicate).
    /// </summary>
    internal async Task<bool> CompleteAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, string leaseId, string path, CancellationToken cancellationToken)
    {
        var changed = await SwarmDatabase.ExecuteAsync(connection, tx,
            """
            UPDATE jobs SET state = 'done', path = $path, lease_id = NULL, lease_deadline = NULL, error = NULL,
                lease_drone = (SELECT drone FROM leases WHERE id = $lease), updated_at = $now
            WHERE id = $id AND state NOT IN ('done', 'blocked', 'cancelled')
              AND EXISTS (SELECT 1 FROM leases WHERE id = $lease AND job_id = $id)
            """,
            cancellationToken, ("$path", path), ("$lease", leaseId), ("$now", Now), ("$id", jobId));
        if (changed == 0)
        {
            return false;
        }

        await SwarmDatabase.ExecuteAsync(connection, tx,
            """
            UPDATE jobs SET state = 'ready', updated_at = $now
            WHERE state = 'waiting'
              AND id IN (SELECT job_id FROM job_deps WHERE dep_job_id = $id)
              AND NOT EXISTS (SELECT 1 FROM job_deps d JOIN jobs dj ON dj.id = d.dep_job_id WHERE d.job_id = jobs.id AND dj.state <> 'done')
            """,
            cancellationToken, ("$now", Now), ("$id", jobId));
        return true;
    }

    private static async Task<long?> FindOpenJobAsync(SqliteConnection connection, SqliteTransaction tx, string cpv, string target, CancellationToken cancellationToken) =>
        await SwarmDatabase.ScalarAsync(connection, tx,
            "SELECT id FROM jobs WHERE cpv = $cpv AND target = $target AND state NOT IN ('done','broken','blocked') ORDER BY id DESC LIMIT 1",
            cancellationToken, ("$cpv", cpv), ("$target", target)) is { } id ? Convert.ToInt64(id) : null;
}
