namespace BuildSwarm.Gateway.Energy;

/// <summary>A job a drone was building when it reported its power.</summary>
public sealed record JobRef(long JobId, string BuildId, string Cpv);

/// <summary>
/// Turns the drones' power samples into energy with the trapezoid rule. Two samples of a drone
/// more than <c>maxGap</c> apart are not joined, and a drone that goes offline is forgotten, so a
/// silent drone adds nothing. The energy of an interval goes to the jobs the drone was building
/// at its start, split equally. "Today" is the UTC day.
/// </summary>
public sealed class PowerIntegrator(TimeProvider time, TimeSpan maxGap)
{
    public const string Total = "total";
    public const string Day = "day";
    public const string Package = "package";
    public const string Build = "build";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Sample> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string Key), double> _joules = [];
    private readonly Dictionary<(string Kind, string Key), double> _unsaved = [];

    /// <summary>Records drone <paramref name="drone"/> drawing <paramref name="watts"/> now (null: it cannot tell).</summary>
    public void Report(string drone, double? watts, IReadOnlyList<JobRef> jobs)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (watts is not { } w || !double.IsFinite(w) || w < 0)
            {
                _last.Remove(drone);
                return;
            }

            if (_last.TryGetValue(drone, out var previous) && now > previous.At && now - previous.At <= maxGap)
            {
                Integrate(previous, new Sample(now, w, jobs));
            }

            _last[drone] = new Sample(now, w, jobs);
        }
    }

    /// <summary>The drone stopped reporting: nothing is integrated past its last sample.</summary>
    public void Offline(string drone)
    {
        lock (_lock)
        {
            _last.Remove(drone);
        }
    }

    /// <summary>Sum of the latest samples of drones that are still reporting.</summary>
    public double CurrentWatts
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_lock)
            {
                return _last.Values.Where(s => now - s.At <= maxGap).Sum(s => s.Watts);
            }
        }
    }

    public double Joules(string kind, string key)
    {
        lock (_lock)
        {
            return _joules.GetValueOrDefault((kind, key));
        }
    }

    public double TotalJoules => Joules(Total, Total);

    public double TodayJoules => Joules(Day, DayKey(time.GetUtcNow()));

    /// <summary>The largest consumers of one kind (packages or builds).</summary>
    public IReadOnlyList<(string Key, double Joules)> Top(string kind, int count)
    {
        lock (_lock)
        {
            return _joules.Where(kv => kv.Key.Kind == kind).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Key, StringComparer.Ordinal)
                .Take(count).Select(kv => (kv.Key.Key, kv.Value)).ToList();
        }
    }

    /// <summary>Totals loaded from storage at start.</summary>
    public void Seed(IEnumerable<(string Kind, string Key, double Joules)> totals)
    {
        lock (_lock)
        {
            foreach (var (kind, key, joules) in totals)
            {
                _joules[(kind, key)] = joules;
            }
        }
    }

    /// <summary>Energy added since the last call, to be added to the stored totals.</summary>
    public IReadOnlyList<(string Kind, string Key, double Joules)> TakeUnsaved()
    {
        lock (_lock)
        {
            var list = _unsaved.Select(kv => (kv.Key.Kind, kv.Key.Key, kv.Value)).ToList();
            _unsaved.Clear();
            return list;
        }
    }

    public static string DayKey(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private void Integrate(Sample from, Sample to)
    {
        var seconds = (to.At - from.At).TotalSeconds;
        var joules = (from.Watts + to.Watts) / 2 * seconds;
        Add(Total, Total, joules);

        // An interval that crosses midnight (UTC) is split where the straight line between the samples crosses it.
        var midnight = new DateTimeOffset(to.At.UtcDateTime.Date, TimeSpan.Zero);
        if (from.At < midnight)
        {
            var wattsAtMidnight = from.Watts + ((to.Watts - from.Watts) * (midnight - from.At).TotalSeconds / seconds);
            var after = (wattsAtMidnight + to.Watts) / 2 * (to.At - midnight).TotalSeconds;
            Add(Day, DayKey(to.At), after);
            Add(Day, DayKey(from.At), joules - after);
        }
        else
        {
            Add(Day, DayKey(to.At), joules);
        }

        if (from.Jobs.Count > 0)
        {
            var share = joules / from.Jobs.Count;
            foreach (var job in from.Jobs)
            {
                Add(Package, job.Cpv, share);
                Add(Build, job.BuildId, share);
            }
        }
    }

    private void Add(string kind, string key, double joules)
    {
        _joules[(kind, key)] = _joules.GetValueOrDefault((kind, key)) + joules;
        _unsaved[(kind, key)] = _unsaved.GetValueOrDefault((kind, key)) + joules;
    }

    private sealed record Sample(DateTimeOffset At, double Watts, IReadOnlyList<JobRef> Jobs);
}
