using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;

namespace BuildSwarm.Gateway.Storage;

public sealed partial class JobTables
{
    /// <summary>
    /// Moves a leased job to building or uploading for the drone holding <paramref name="leaseId"/>. Not held
    /// when the lease is stale; not moved when the job was in that state already; building → uploading
    /// gives the build's duration as a sample.
    /// </summary>
    public Task<(bool Held, bool Moved, BuildSample? Sample)> RecordProgressAsync(long jobId, string leaseId, JobState state, CancellationToken cancellationToken) =>
        db.WriteAsync<(bool Held, bool Moved, BuildSample? Sample)>(async (connection, tx) =>
        {
            string current, cpv, droneId;
            int cores;
            long? since;
            await using (var select = SwarmDatabase.Command(connection, tx,
                $"SELECT state, cpv, COALESCE(lease_drone_id, lease_drone), COALESCE(lease_cores, 0), COALESCE(started_at, leased_at) FROM jobs WHERE id = $id AND lease_id = $lease AND state IN {LeasedStates}",
                ("$id", jobId), ("$lease", leaseId)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return (false, false, null);
                }

                (current, cpv, droneId, cores, since) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetInt64(4));
            }

            if (current == state.ToWire())
            {
                return (true, false, null); // a repeated report changes nothing and is not a second sample
            }

            var now = Now;
            await SwarmDatabase.ExecuteAsync(connection, tx,
                "UPDATE jobs SET state = $state, started_at = CASE WHEN $state = 'building' THEN $now ELSE started_at END, updated_at = $now WHERE id = $id",
                cancellationToken, ("$state", state.ToWire()), ("$now", now), ("$id", jobId));
            return state == JobState.Uploading && since is { } start && cores > 0
                ? (true, true, new BuildSample(cpv, droneId, cores, Math.Max(0.001, (now - start) / 1000.0)))
                : (true, true, null);
        }, cancellationToken);
}
