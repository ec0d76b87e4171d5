using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Scheduling;

/// <summary>
/// Heterogeneous Earliest Finish Time, online: ready jobs in order of upward rank (the longest chain of
/// estimated work still hanging below them), each on the drone where it is expected to finish first,
/// counting the drone's speed and when its slots free up. A job whose best drone is busy is planned
/// there and not started elsewhere, so long critical-path jobs wait for fast drones instead of being
/// stranded on slow ones. The plan is redone from scratch at every call.
/// </summary>
internal sealed class HeftPolicy : ISchedulingPolicy
{
    public string Name => SchedulingPolicies.Heft;

    public IReadOnlyList<Assignment> Schedule(SchedulingSnapshot snapshot)
    {
        var graph = new JobGraph(snapshot.Jobs);
        var assignments = StuckJobs.AssignToSweepers(snapshot, graph).ToList();

        var running = graph.Jobs.Where(j => j.State.IsLeased()).ToLookup(j => j.DroneId);
        var timelines = snapshot.Drones
            .Where(d => d.Role == DroneRole.Normal && d.TakesWork(snapshot.Now))
            .ToDictionary(d => d.Id, d => DroneTimeline.For(d, snapshot, running));
        var freeSlots = timelines.Values.Sum(t => Math.Max(0, t.Drone.FreeSlots));
        // Looked up once per job: the estimator locks and parses package names on every call.
        var weights = graph.Jobs.ToDictionary(j => j.Id, j => snapshot.Estimator.ReferenceSeconds(j.PackageKey));
        var ranks = graph.UpwardRanks(j => weights[j.Id]);
        var ready = graph.Startable(JobState.Ready)
            .OrderByDescending(j => j.Priority)
            .ThenByDescending(j => ranks[j.Id])
            .ThenBy(j => j.Id);

        foreach (var job in ready)
        {
            if (freeSlots == 0)
            {
                break;
            }

            var best = EarliestFinish(job, weights[job.Id], snapshot, timelines);
            if (best is { } choice && choice.Timeline.Reserve(choice.Finish))
            {
                freeSlots--;
                assignments.Add(new Assignment(job.Id, choice.Timeline.Drone.Id));
            }
        }

        return assignments;
    }

    private static (DroneTimeline Timeline, double Finish)? EarliestFinish(
        SchedulingJob job, double referenceSeconds, SchedulingSnapshot snapshot, Dictionary<string, DroneTimeline> timelines)
    {
        (DroneTimeline Timeline, double Finish)? best = null;
        foreach (var drone in DroneEligibility.Candidates(job, snapshot.Drones, snapshot.Now))
        {
            var timeline = timelines[drone.Id];
            // Same as Estimator.Seconds(job.PackageKey, drone.Cores, drone.Speed), without the lookup.
            var finish = timeline.EarliestStart + (referenceSeconds * snapshot.Estimator.CoreFactor(drone.Cores) / Math.Max(drone.Speed, 0.01));
            if (best is null || finish < best.Value.Finish - 1e-9 ||
                (Math.Abs(finish - best.Value.Finish) <= 1e-9 && timeline.HasFreeSlot && !best.Value.Timeline.HasFreeSlot))
            {
                best = (timeline, finish);
            }
        }

        return best;
    }
}
