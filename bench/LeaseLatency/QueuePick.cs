using System.Security.Cryptography;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Storage;

namespace LeaseLatency;

/// <summary>
/// The walking skeleton's pick, kept here as the benchmark's baseline: the first ready jobs by priority
/// and id to whoever asks, no plan. Same statements as the old <c>JobStore.LeaseAsync</c>.
/// </summary>
internal static class QueuePick
{
    public static Task<List<JobLease>> LeaseAsync(SwarmDatabase db, LeaseRequest request, int leaseSeconds) =>
        db.WriteAsync(async (connection, tx) =>
        {
            var picked = new List<(long Id, string Build, string Cpv, string Target, int Attempts)>();
            await using (var select = SwarmDatabase.Command(connection, tx,
                "SELECT id, build_id, cpv, target, attempts FROM jobs WHERE state = 'ready' ORDER BY priority DESC, id LIMIT $max",
                ("$max", Math.Clamp(request.Max, 1, 64))))
            await using (var reader = await select.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    picked.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
                }
            }

            var now = DateTimeOffset.UtcNow;
            var deadline = now.AddSeconds(leaseSeconds);
            var result = new List<JobLease>();
            foreach (var job in picked)
            {
                var leaseId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                await SwarmDatabase.ExecuteAsync(connection, tx,
                    "UPDATE jobs SET state = 'leased', lease_id = $lease, lease_drone = $drone, lease_orchestrator = $orch, lease_deadline = $deadline, updated_at = $now WHERE id = $id",
                    CancellationToken.None, ("$lease", leaseId), ("$drone", request.DroneName), ("$orch", request.OrchestratorId),
                    ("$deadline", deadline.ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds()), ("$id", job.Id));
                await SwarmDatabase.ExecuteAsync(connection, tx, "INSERT INTO leases (id, job_id, drone, created_at) VALUES ($lease, $id, $drone, $now)",
                    CancellationToken.None, ("$lease", leaseId), ("$id", job.Id), ("$drone", request.DroneName), ("$now", now.ToUnixTimeMilliseconds()));
                var deps = new List<string>();
                await using (var command = SwarmDatabase.Command(connection, tx, "SELECT j.cpv FROM job_deps d JOIN jobs j ON j.id = d.dep_job_id WHERE d.job_id = $id ORDER BY j.cpv", ("$id", job.Id)))
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        deps.Add(reader.GetString(0));
                    }
                }

                result.Add(new JobLease(job.Id, leaseId, job.Build, job.Cpv, job.Target, deadline, job.Attempts + 1, deps));
            }

            return result;
        }, CancellationToken.None);
}
