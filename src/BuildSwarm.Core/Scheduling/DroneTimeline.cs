namespace BuildSwarm.Core.Scheduling;

/// <summary>
/// When each slot of one drone is expected to be free, in seconds from now. Free slots are at 0; busy
/// ones at the expected end of the job holding them. HEFT reserves slots here as it plans, so a job
/// that waits for a busy fast drone pushes the next job further back on that drone.
/// </summary>
internal sealed class DroneTimeline
{
    private readonly List<double> _busyUntil;
    private int _free;

    private DroneTimeline(SchedulingDrone drone, int free, List<double> busyUntil)
    {
        Drone = drone;
        _free = free;
        _busyUntil = busyUntil;
        _busyUntil.Sort();
    }

    public SchedulingDrone Drone { get; }

    public bool HasFreeSlot => _free > 0;

    public double EarliestStart => _free > 0 || _busyUntil.Count == 0 ? 0 : _busyUntil[0];

    /// <summary>The timeline of <paramref name="drone"/>, given the snapshot's leased jobs by drone.</summary>
    public static DroneTimeline For(SchedulingDrone drone, SchedulingSnapshot snapshot, ILookup<string?, SchedulingJob> running)
    {
        var remaining = running[drone.Id]
            .Select(j => Remaining(j, drone, snapshot))
            .OrderBy(s => s)
            .ToList();

        // Jobs the snapshot does not show (another build, a lease just taken) still hold their slot.
        while (remaining.Count < drone.BusySlots)
        {
            remaining.Add(snapshot.Estimator.Options.DefaultSeconds);
        }

        return new DroneTimeline(drone, Math.Max(0, drone.FreeSlots), remaining.Take(drone.BusySlots).ToList());
    }

    /// <summary>Takes the earliest slot until <paramref name="finish"/>; true when that slot is free now.</summary>
    public bool Reserve(double finish)
    {
        var wasFree = _free > 0;
        if (wasFree)
        {
            _free--;
        }
        else if (_busyUntil.Count > 0)
        {
            _busyUntil.RemoveAt(0);
        }

        var at = _busyUntil.BinarySearch(finish);
        _busyUntil.Insert(at < 0 ? ~at : at, finish);
        return wasFree;
    }

    private static double Remaining(SchedulingJob job, SchedulingDrone drone, SchedulingSnapshot snapshot)
    {
        var expected = snapshot.Estimator.Seconds(job.PackageKey, drone.Cores, drone.Speed);
        var elapsed = job.StartedAt is { } started ? (snapshot.Now - started).TotalSeconds : 0;
        // A job past its estimate is expected to need half as long again as it has overrun, so a hung
        // build does not hold the jobs that wait for its drone forever.
        return Math.Max(expected - elapsed, (elapsed - expected) / 2);
    }
}
