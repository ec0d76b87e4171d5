using BuildSwarm.Core.Jobs;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>A drone's progress on a leased job (building, uploading), and the build times it reveals.</summary>
public sealed class BuildProgress(JobTables tables, BuildEstimates estimates, IEventSink events)
{
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

        var (held, moved, sample) = await tables.RecordProgressAsync(jobId, leaseId, state, cancellationToken);

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
