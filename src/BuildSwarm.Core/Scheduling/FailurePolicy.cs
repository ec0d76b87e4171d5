using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Scheduling;

public sealed record FailureOptions
{
    /// <summary>Distinct drones a job may fail on before only the sweeper may take it.</summary>
    public int MaxDistinctDrones { get; init; } = 3;
}

/// <summary>A job below a broken one, and the package that blocks it.</summary>
public sealed record BlockedJob(long JobId, string PackageKey, string BlockedBy);

/// <summary>
/// What a failure does to a job. A failure on a normal drone sends it back to ready (the scheduler keeps
/// it off the drones it failed on) until it has failed on <see cref="FailureOptions.MaxDistinctDrones"/>
/// distinct drones; then it is stuck and waits for a sweeper. A failure on a sweeper, the clean serial
/// last resort, means the package itself is broken.
/// </summary>
public sealed class FailurePolicy(FailureOptions? options = null)
{
    public FailureOptions Options { get; } = options ?? new FailureOptions();

    /// <param name="failedOn">Every drone the job failed on so far, this failure included; repeats count once.</param>
    /// <param name="failedOnSweeper">Whether this failure happened on a sweeper.</param>
    public JobState AfterFailure(IEnumerable<string> failedOn, bool failedOnSweeper)
    {
        if (failedOnSweeper)
        {
            return JobState.Broken;
        }

        return failedOn.Distinct(StringComparer.Ordinal).Count() >= Options.MaxDistinctDrones
            ? JobState.Stuck
            : JobState.Ready;
    }

    /// <summary>Every job that depends on <paramref name="brokenJobId"/>, directly or not, and is not done yet.</summary>
    public static IReadOnlyList<BlockedJob> BlockedBy(IReadOnlyList<SchedulingJob> jobs, long brokenJobId)
    {
        var graph = new JobGraph(jobs);
        var blocking = graph[brokenJobId].PackageKey;
        var seen = new HashSet<long> { brokenJobId };
        var queue = new Queue<long>([brokenJobId]);
        var blocked = new List<BlockedJob>();
        while (queue.TryDequeue(out var id))
        {
            foreach (var dependant in graph.DependantsOf(id).Where(seen.Add))
            {
                var job = graph[dependant];
                if (job.State is not (JobState.Done or JobState.Broken))
                {
                    blocked.Add(new BlockedJob(job.Id, job.PackageKey, blocking));
                }

                queue.Enqueue(dependant);
            }
        }

        return blocked;
    }
}
