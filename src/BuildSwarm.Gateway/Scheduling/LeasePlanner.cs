using System.Collections.Concurrent;
using System.Diagnostics;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Scheduling;

/// <summary>
/// Decides which jobs a drone that asks for work may lease: runs the scheduling policy on a snapshot of
/// the database and the fleet, and hands each drone only what the plan assigns to it. The plan is shared
/// by every asking drone and made again only when jobs changed (<see cref="ChangeSignal"/>), a drone it
/// does not know asks, or it is older than <see cref="SchedulingOptions.PlanMaxAgeMilliseconds"/>:
/// a thousand drones asking do not plan a thousand times.
/// </summary>
public sealed partial class LeasePlanner(
    JobTables jobTables,
    FleetRegistry fleet,
    ChangeSignal signal,
    DroneControls controls,
    BuildEstimates estimates,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<LeasePlanner> logger) : IDisposable
{
    private static readonly TimeSpan AskerMemory = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _planning = new(1, 1);
    private readonly ConcurrentDictionary<string, Asker> _askers = new(StringComparer.Ordinal);

    // Targets each drone declared when it last asked for work; a drone that declared none builds every target.
    private readonly ConcurrentDictionary<string, HashSet<string>> _targets = new(StringComparer.Ordinal);
    private readonly ISchedulingPolicy _policy = SchedulingPolicies.Get(options.Value.Scheduling.Policy);
    private Plan? _plan;

    /// <summary>How many plans were made so far (for tests and the benchmark).</summary>
    public long PlansMade { get; private set; }

    /// <summary>Time spent making them: reading the snapshot and running the policy.</summary>
    public double PlanMilliseconds { get; private set; }

    public double LastPlanMilliseconds { get; private set; }

    /// <summary>Jobs the plan assigns to the asking drone, at most <c>request.Max</c>, removed from the plan.</summary>
    public async Task<PlannedLeases> TakeAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        _askers[request.DroneId] = new Asker(request, time.GetUtcNow());
        if (request.Targets is { } declared)
        {
            _targets[request.DroneId] = declared.ToHashSet(StringComparer.Ordinal);
        }
        var plan = await CurrentAsync(request.DroneId, cancellationToken);
        var drone = plan.Drones[request.DroneId];
        var jobCores = controls.CoreLimit(drone.Name) is { } limit ? Math.Max(1, limit / Math.Max(1, drone.Slots)) : 0;
        // Paused: nothing new starts; the plan keeps its jobs for when the swarm resumes.
        return new PlannedLeases(drone, controls.IsPaused ? [] : plan.Take(request.DroneId, Math.Clamp(request.Max, 1, 64)), jobCores);
    }

    public void Dispose() => _planning.Dispose();

    private async Task<Plan> CurrentAsync(string droneId, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _plan) is { } plan && IsFresh(plan, droneId))
        {
            return plan;
        }

        await _planning.WaitAsync(cancellationToken);
        try
        {
            if (_plan is { } again && IsFresh(again, droneId))
            {
                return again;
            }

            var made = await MakeAsync(cancellationToken);
            Volatile.Write(ref _plan, made);
            return made;
        }
        finally
        {
            _planning.Release();
        }
    }

    private bool IsFresh(Plan plan, string droneId) =>
        plan.Version == signal.Version
        && plan.Drones.ContainsKey(droneId)
        && time.GetElapsedTime(plan.Made) < TimeSpan.FromMilliseconds(options.Value.Scheduling.PlanMaxAgeMilliseconds);

    private async Task<Plan> MakeAsync(CancellationToken cancellationToken)
    {
        // Read the version first: a change while we read makes this plan stale at once, never lost.
        var version = signal.Version;
        var made = time.GetTimestamp();
        var started = Stopwatch.GetTimestamp();
        var jobs = await jobTables.SnapshotAsync(cancellationToken);
        var drones = await DronesAsync(jobs, cancellationToken);
        var snapshot = new SchedulingSnapshot(time.GetUtcNow(), jobs, drones, estimates.Estimator);
        var assignments = _policy.Schedule(snapshot);
        var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        PlansMade++;
        PlanMilliseconds += took;
        LastPlanMilliseconds = took;
        LogPlanned(jobs.Count, drones.Count, assignments.Count, took);
        return new Plan(version, made, drones.ToDictionary(d => d.Id, StringComparer.Ordinal), assignments);
    }

    /// <summary>Drones the orchestrators report, plus drones that asked recently and are not synced yet.</summary>
    private async Task<List<SchedulingDrone>> DronesAsync(IReadOnlyList<SchedulingJob> jobs, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var busy = jobs.Where(j => j.State.IsLeased() && j.DroneId is not null).GroupBy(j => j.DroneId!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var targets = jobs.Select(j => j.Target).ToHashSet(StringComparer.Ordinal);
        // Only admitted drones that are alive take part: a pending drone must not have work reserved for it.
        var views = fleet.Drones(await fleet.OrchestratorsAsync(cancellationToken)).Where(d => d.State is not ("offline" or "pending" or "rejected" or "revoked")).ToList();
        foreach (var (id, asker) in _askers.Where(a => now - a.Value.At > AskerMemory).ToList())
        {
            _askers.TryRemove(new KeyValuePair<string, Asker>(id, asker));
        }

        var drones = new Dictionary<string, SchedulingDrone>(StringComparer.Ordinal);
        foreach (var view in views)
        {
            var asked = _askers.TryGetValue(view.Id, out var a) ? a.Request : null;
            drones[view.Id] = Drone(view.Id, view.Name, view.Site, asked?.Role ?? view.Role, view.Cores, view.Slots, busy, targets);
        }

        foreach (var (id, asker) in _askers.Where(a => !drones.ContainsKey(a.Key)))
        {
            var r = asker.Request;
            drones[id] = Drone(id, r.DroneName, "", r.Role, r.Cores, r.Slots, busy, targets);
        }

        return drones.Values.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    private SchedulingDrone Drone(string id, string name, string site, DroneRole role, int cores, int slots, Dictionary<string, int> busy, IReadOnlySet<string> targets)
    {
        // A sweeper builds one job at a time, whatever it reports; a core limit caps cores and slots alike.
        var limit = controls.CoreLimit(name);
        var total = role == DroneRole.Sweeper ? 1 : Math.Max(1, limit is { } l ? Math.Min(slots, l) : slots);
        cores = limit is { } cap && (cores <= 0 || cores > cap) ? cap : cores;
        var free = Math.Max(0, total - busy.GetValueOrDefault(id));
        return new SchedulingDrone(id, name, site, cores > 0 ? cores : estimates.Estimator.Options.ReferenceCores, total, free,
            estimates.Estimator.SpeedOf(id), TargetsOf(id, targets), role, controls.IsDrained(name), controls.GroundedUntil(id));
    }

    /// <summary>Targets a drone builds: those it declared in its lease requests, else every target of the snapshot.</summary>
    private IReadOnlySet<string> TargetsOf(string droneId, IReadOnlySet<string> allTargets) =>
        _targets.TryGetValue(droneId, out var declared) ? allTargets.Where(declared.Contains).ToHashSet(StringComparer.Ordinal) : allTargets;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Planned {Jobs} jobs on {Drones} drones: {Assignments} assignments in {Milliseconds:F1} ms")]
    private partial void LogPlanned(int jobs, int drones, int assignments, double milliseconds);

    private sealed record Asker(LeaseRequest Request, DateTimeOffset At);

    private sealed class Plan(long version, long made, IReadOnlyDictionary<string, SchedulingDrone> drones, IReadOnlyList<Assignment> assignments)
    {
        private readonly Dictionary<string, Queue<long>> _byDrone = assignments
            .GroupBy(a => a.DroneId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Queue<long>(g.Select(a => a.JobId)), StringComparer.Ordinal);

        public long Version { get; } = version;

        public long Made { get; } = made;

        public IReadOnlyDictionary<string, SchedulingDrone> Drones { get; } = drones;

        public List<long> Take(string droneId, int max)
        {
            lock (_byDrone)
            {
                if (!_byDrone.TryGetValue(droneId, out var queue))
                {
                    return [];
                }

                var taken = new List<long>();
                while (taken.Count < max && queue.TryDequeue(out var jobId))
                {
                    taken.Add(jobId);
                }

                return taken;
            }
        }
    }
}

/// <summary>The asking drone as the plan saw it, the jobs it may lease now, and the cores each may use (0: the drone's own).</summary>
public sealed record PlannedLeases(SchedulingDrone Drone, IReadOnlyList<long> JobIds, int JobCores = 0);
