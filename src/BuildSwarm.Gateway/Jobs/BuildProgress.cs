using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>A drone's progress on a leased job (building, uploading), and the build times it reveals.</summary>
public sealed class BuildProgress(SwarmDatabase db, BuildEstimates estimates, TimeProvider time, IEventSink events)
{
    private const string LeasedStates = JobStore.LeasedStates;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Records that the drone holding <paramref name="leaseId"/> moved the job on; false when the lease is
    /// stale. Building → uploading is a finished build: its duration teaches the estimator.
    /// </summary>
    public async Task<bool> ProgressAsync(long jobId, string leaseId, JobState state, CancellationToken cancellationToken)
    {
        if (state is not (JobState.Building or JobState.Uploading))
        {
            return false;
        }

        var (held, moved, sample) = await db.WriteAsync<(bool, bool, BuildSample?)>(async (connection, tx) =>
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

        if (sample is not null)
        {
            await estimates.RecordAsync(sample, cancellationToken);
        }

        if (moved)
        {
            await events.PublishAsync(SwarmEvents.Draft("job.progress", jobId: jobId, state: state.ToWire()));
        }

        return held;
    }
}
