using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Scheduling;

/// <summary>The dependency graph of a snapshot: what may start, and how much work hangs below each job.</summary>
internal sealed class JobGraph
{
    private readonly Dictionary<long, SchedulingJob> _jobs;
    private readonly Dictionary<long, List<long>> _dependants = [];

    public JobGraph(IReadOnlyList<SchedulingJob> jobs)
    {
        _jobs = jobs.ToDictionary(j => j.Id);
        foreach (var job in jobs)
        {
            foreach (var dep in job.Deps)
            {
                if (_jobs.ContainsKey(dep))
                {
                    Dependants(dep).Add(job.Id);
                }
            }
        }
    }

    public IEnumerable<SchedulingJob> Jobs => _jobs.Values;

    public SchedulingJob this[long id] => _jobs[id];

    /// <summary>
    /// Ready or stuck, and every dependency done. The state alone is not trusted: a job the gateway
    /// marked ready too early still waits for its dependencies here.
    /// </summary>
    public bool CanStart(SchedulingJob job) =>
        job.State is JobState.Ready or JobState.Stuck && job.Deps.All(IsDone);

    public IEnumerable<SchedulingJob> Startable(JobState state) =>
        _jobs.Values.Where(j => j.State == state && CanStart(j));

    public IEnumerable<long> DependantsOf(long id) =>
        _dependants.TryGetValue(id, out var list) ? list : [];

    /// <summary>
    /// HEFT's upward rank: the job's own weight plus the heaviest chain of dependants below it.
    /// Computed from the sinks up (Kahn), so deep graphs need no recursion; jobs caught in a cycle
    /// (which never start anyway) keep their own weight.
    /// </summary>
    public Dictionary<long, double> UpwardRanks(Func<SchedulingJob, double> weight)
    {
        var live = _jobs.Values.Where(IsLive).ToDictionary(j => j.Id);
        var pending = live.Values.ToDictionary(j => j.Id, j => DependantsOf(j.Id).Count(live.ContainsKey));
        var ranks = new Dictionary<long, double>(live.Count);
        var sinks = new Queue<long>(pending.Where(p => p.Value == 0).Select(p => p.Key));
        while (sinks.TryDequeue(out var id))
        {
            var below = DependantsOf(id).Where(ranks.ContainsKey).Select(d => ranks[d]).DefaultIfEmpty(0).Max();
            ranks[id] = weight(live[id]) + below;
            foreach (var dep in live[id].Deps.Where(live.ContainsKey))
            {
                if (--pending[dep] == 0)
                {
                    sinks.Enqueue(dep);
                }
            }
        }

        foreach (var job in live.Values.Where(j => !ranks.ContainsKey(j.Id)))
        {
            ranks[job.Id] = weight(job);
        }

        return ranks;
    }

    private bool IsDone(long id) => !_jobs.TryGetValue(id, out var dep) || dep.State == JobState.Done;

    private static bool IsLive(SchedulingJob job) =>
        job.State is not (JobState.Done or JobState.Broken or JobState.Blocked);

    private List<long> Dependants(long id)
    {
        if (!_dependants.TryGetValue(id, out var list))
        {
            list = [];
            _dependants[id] = list;
        }

        return list;
    }
}
