using System.Security.Cryptography;
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

/// <summary>Builds, jobs and leases: every state change of a job goes through here.</summary>
public sealed partial class JobStore(
    SwarmDatabase db,
    ChangeSignal signal,
    LeasePlanner planner,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<JobStore> logger,
    IEventSink events)
{
    internal const string LeasedStates = "('leased','building','uploading')";

    /// <summary>A drone only gets jobs of the targets it declared; a drone that declared none (an older drone) gets any.</summary>
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<SubmitBuildResponse> SubmitAsync(SubmitBuildRequest request, CancellationToken cancellationToken)
    {
        var buildId = $"b{time.GetUtcNow():yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var target = request.Target ?? options.Value.DefaultTarget;
        var packages = request.Packages!;
        var response = await db.WriteAsync(async (connection, tx) =>
        {
            var now = Now;
            await SwarmDatabase.ExecuteAsync(connection, tx, "INSERT INTO builds (id, target, priority, created_at, tree_snapshot) VALUES ($id, $target, $priority, $now, $tree)", cancellationToken,
                ("$id", buildId), ("$target", target), ("$priority", request.Priority), ("$now", now), ("$tree", request.TreeSnapshot));

            var ids = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var package in packages)
            {
                ids[package.Cpv!] = Convert.ToInt64(await SwarmDatabase.ScalarAsync(connection, tx,
                    "INSERT INTO jobs (build_id, cpv, target, priority, state, updated_at) VALUES ($b, $cpv, $t, $p, 'waiting', $now) RETURNING id", cancellationToken,
                    ("$b", buildId), ("$cpv", package.Cpv), ("$t", target), ("$p", request.Priority), ("$now", now)));
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
                    await SetStateAsync(connection, tx, jobId, JobState.Ready, cancellationToken);
                    ready++;
                }
            }

            return new SubmitBuildResponse(buildId, packages.Count, ready);
        }, cancellationToken);

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

        var waited = new Dictionary<long, double>();
        var leases = await db.WriteAsync(async (connection, tx) =>
        {
            var deadline = time.GetUtcNow().AddSeconds(options.Value.LeaseSeconds);
            var result = new List<JobLease>();
            foreach (var jobId in planned.JobIds)
            {
                var leaseId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                (string Build, string Cpv, string Target, int Attempts)? job = null;
                if (await SwarmDatabase.ScalarAsync(connection, tx, "SELECT updated_at FROM jobs WHERE id = $id", cancellationToken, ("$id", jobId)) is { } since)
                {
                    waited[jobId] = Math.Max(0, (Now - Convert.ToInt64(since)) / 1000.0);
                }

                // The plan may be a moment old: only a job that still waits for a drone is taken.
                await using (var update = SwarmDatabase.Command(connection, tx,
                    """
                    UPDATE jobs SET state = 'leased', lease_id = $lease, lease_drone = $drone, lease_drone_id = $droneId, lease_role = $role,
                        lease_cores = $cores, lease_orchestrator = $orch, lease_deadline = $deadline, leased_at = $now, started_at = NULL, updated_at = $now
                    WHERE id = $id AND state IN ('ready', 'failed', 'stuck')
                    RETURNING build_id, cpv, target, attempts
                    """,
                    ("$lease", leaseId), ("$drone", request.DroneName), ("$droneId", request.DroneId), ("$role", planned.Drone.Role == DroneRole.Sweeper ? "sweeper" : "normal"),
                    ("$cores", planned.Drone.Cores), ("$orch", request.OrchestratorId), ("$deadline", deadline.ToUnixTimeMilliseconds()), ("$now", Now), ("$id", jobId)))
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
                    cancellationToken, ("$lease", leaseId), ("$id", jobId), ("$drone", request.DroneName), ("$now", Now));
                var deps = await DepCpvsAsync(connection, tx, jobId, cancellationToken);
                var tree = (string?)await SwarmDatabase.ScalarAsync(connection, tx, "SELECT tree_snapshot FROM builds WHERE id = $b", cancellationToken, ("$b", j.Build));
                result.Add(new JobLease(jobId, leaseId, j.Build, j.Cpv, j.Target, deadline, j.Attempts + 1, deps, tree, planned.JobCores));
            }

            return result;
        }, cancellationToken);

        foreach (var lease in leases)
        {
            LogLeased(lease.JobId, lease.Cpv, request.DroneName);
        }

        await events.PublishAsync([.. leases.Select(l => SwarmEvents.Draft("job.leased", l.BuildId, l.JobId, l.Cpv, request.DroneName, "leased",
            seconds: waited.GetValueOrDefault(l.JobId)))]);
        return leases;
    }

    public async Task<LeaseRenewalReply> RenewAsync(IReadOnlyList<string> leaseIds, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow().AddSeconds(options.Value.LeaseSeconds);
        var expired = await db.WriteAsync(async (connection, tx) =>
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
        return new LeaseRenewalReply(expired, deadline);
    }

    /// <summary>Returns jobs whose lease ran out to the ready queue. Not a failure: the drone may just be gone.</summary>
    public async Task<int> ExpireLeasesAsync(CancellationToken cancellationToken)
    {
        var gone = new List<SwarmEvent>();
        var expired = await db.WriteAsync(async (connection, tx) =>
        {
            var now = Now;
            await using (var select = SwarmDatabase.Command(connection, tx,
                $"SELECT id, build_id, cpv, lease_drone FROM jobs WHERE state IN {LeasedStates} AND lease_deadline < $now", ("$now", now)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    gone.Add(SwarmEvents.Draft("job.expired", reader.GetString(1), reader.GetInt64(0), reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3), "ready"));
                }
            }

            return await SwarmDatabase.ExecuteAsync(connection, tx,
                $"UPDATE jobs SET state = 'ready', lease_id = NULL, lease_deadline = NULL, lease_drone = NULL, updated_at = $now WHERE state IN {LeasedStates} AND lease_deadline < $now",
                cancellationToken, ("$now", now));
        }, cancellationToken);
        if (expired > 0)
        {
            LogExpired(expired);
            signal.Pulse();
            await events.PublishAsync([.. gone]);
        }

        return expired;
    }

    /// <summary>The job an upload claims to complete, if the lease is one this job ever had and the job is not done yet.</summary>
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
    /// Inside the publishing transaction: marks the job done and readies its dependants.
    /// False when the job was already completed by another drone (a duplicate).
    /// </summary>
    public async Task<bool> CompleteAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, string leaseId, string path, CancellationToken cancellationToken)
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

    public void NotifyReady() => signal.Pulse();

    private static async Task<long?> FindOpenJobAsync(SqliteConnection connection, SqliteTransaction tx, string cpv, string target, CancellationToken cancellationToken) =>
        await SwarmDatabase.ScalarAsync(connection, tx,
            "SELECT id FROM jobs WHERE cpv = $cpv AND target = $target AND state NOT IN ('done','broken','blocked') ORDER BY id DESC LIMIT 1",
            cancellationToken, ("$cpv", cpv), ("$target", target)) is { } id ? Convert.ToInt64(id) : null;

    private static async Task<IReadOnlyList<string>> DepCpvsAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, CancellationToken cancellationToken) =>
        await SwarmDatabase.StringsAsync(connection, tx, "SELECT j.cpv FROM job_deps d JOIN jobs j ON j.id = d.dep_job_id WHERE d.job_id = $id ORDER BY j.cpv", cancellationToken, ("$id", jobId));

    private async Task SetStateAsync(SqliteConnection connection, SqliteTransaction tx, long jobId, JobState state, CancellationToken cancellationToken) =>
        await SwarmDatabase.ExecuteAsync(connection, tx, "UPDATE jobs SET state = $s, updated_at = $now WHERE id = $id", cancellationToken,
            ("$s", state.ToWire()), ("$now", Now), ("$id", jobId));

    [LoggerMessage(Level = LogLevel.Information, Message = "Build {BuildId} submitted: {Jobs} jobs, {Ready} ready")]
    private partial void LogSubmitted(string buildId, int jobs, int ready);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Cpv}) leased to drone {Drone}")]
    private partial void LogLeased(long jobId, string cpv, string drone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} leases expired; their jobs are ready again")]
    private partial void LogExpired(int count);
}

public sealed record UploadClaim(long JobId, string Cpv, string Target, JobState State);
