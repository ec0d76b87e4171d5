namespace BuildSwarm.Core.Jobs;

/// <summary>
/// One job of a build as the verdict needs it: its state, what it waits for (<c>Deps</c>, job ids; ids outside
/// the build are looked up in <c>outside</c>), why it failed and on which drones (<c>FailedOn</c>, names in order).
/// </summary>
public sealed record VerdictJob(long Id, string Cpv, JobState State, IReadOnlyList<long> Deps, string? Error = null, IReadOnlyList<string>? FailedOn = null);

/// <summary>A build's state and, when it is stalled, why each job that is not done stands still.</summary>
/// <remarks><c>Cause</c>, for a build that stands still: the first job that is not only waiting or blocked, with its reason.</remarks>
public sealed record BuildVerdict(string State, IReadOnlyDictionary<long, string> Reasons, string? Cause = null)
{
    public const string Running = "running";
    public const string Done = "done";
    public const string Stalled = "stalled";
    public const string Cancelled = "cancelled";

    /// <summary>
    /// <c>running</c> while any job can still move; else <c>done</c>, <c>cancelled</c> (an operator cancelled
    /// some of it) or <c>stalled</c>. A job can move when a drone holds it or may take it (ready, failed and
    /// waiting for a retry), when it is stuck and a sweeper takes work, or when it waits for a job that can
    /// move. Nothing else ever changes by itself, so a build with none of those is stalled, and says why.
    /// </summary>
    /// <param name="jobs">Every job of the build.</param>
    /// <param name="outside">States of jobs of other builds this build's jobs wait for.</param>
    /// <param name="sweeperTakesWork">Whether any sweeper is online and takes work.</param>
    public static BuildVerdict Judge(IReadOnlyList<VerdictJob> jobs, IReadOnlyDictionary<long, JobState> outside, bool sweeperTakesWork)
    {
        var byId = jobs.ToDictionary(j => j.Id);
        if (Moving(jobs, byId, outside, sweeperTakesWork))
        {
            return new BuildVerdict(Running, new Dictionary<long, string>());
        }

        var open = jobs.Where(j => j.State != JobState.Done).ToList();
        if (open.Count == 0)
        {
            return new BuildVerdict(Done, new Dictionary<long, string>());
        }

        var reasons = open.ToDictionary(j => j.Id, j => Reason(j, byId, outside, sweeperTakesWork));
        var cause = open.OrderBy(j => j.State is JobState.Waiting or JobState.Blocked).ThenBy(j => j.Id).First();
        return new BuildVerdict(open.Any(j => j.State == JobState.Cancelled) ? Cancelled : Stalled, reasons, $"{cause.Cpv}: {reasons[cause.Id]}");
    }

    /// <summary>Whether any job moves: from the jobs that move by themselves, down to the waiting jobs below them.</summary>
    private static bool Moving(IReadOnlyList<VerdictJob> jobs, Dictionary<long, VerdictJob> byId, IReadOnlyDictionary<long, JobState> outside, bool sweeperTakesWork)
    {
        bool MovesItself(JobState state) => state.IsLeased() || state is JobState.Ready or JobState.Failed || (state == JobState.Stuck && sweeperTakesWork);
        bool IsDone(long id) => byId.TryGetValue(id, out var dep) ? dep.State == JobState.Done : outside.GetValueOrDefault(id, JobState.Done) == JobState.Done;

        // A job of another build counts as moving unless it stands still itself; it is not followed further.
        return jobs.Any(j => MovesItself(j.State)
            || (j.State == JobState.Waiting && (j.Deps.All(IsDone) || j.Deps.Any(d => !byId.ContainsKey(d) && outside.TryGetValue(d, out var s) && (s == JobState.Waiting || MovesItself(s))))));
    }

    private static string Reason(VerdictJob job, Dictionary<long, VerdictJob> byId, IReadOnlyDictionary<long, JobState> outside, bool sweeperTakesWork)
    {
        var failedOn = job.FailedOn is { Count: > 0 } drones ? $"failed on {string.Join(", ", drones.Distinct(StringComparer.Ordinal))}" : "failed";
        return job.State switch
        {
            JobState.Stuck when !sweeperTakesWork => $"stuck: {failedOn}; no sweeper is online to take it (start a drone with Drone:Role=sweeper, or 'build-swarm jobs retry {job.Id}')",
            JobState.Broken => $"broken: {failedOn}{(job.Error is { Length: > 0 } e ? $": {FirstLine(e)}" : "")}",
            JobState.Blocked => job.Error ?? "blocked by a broken dependency",
            JobState.Cancelled => "cancelled by an operator",
            JobState.Waiting => job.Deps.Select(d => byId.TryGetValue(d, out var dep) ? $"waits for {dep.Cpv}, which is {dep.State.ToWire()}" : null)
                .FirstOrDefault(r => r is not null && !r.EndsWith("done", StringComparison.Ordinal))
                ?? (job.Deps.Any(outside.ContainsKey) ? "waits for a job of another build that stands still" : "waits for nothing that can move"),
            var state => state.ToWire(),
        };
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
