using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Scheduling;

/// <summary>
/// Expected build durations. Every sample is normalised to the reference drone (speed 1.0,
/// <see cref="EstimatorOptions.ReferenceCores"/> cores) and folded into an exponential moving average per
/// package; estimates scale back by the target drone's cores (Amdahl) and speed. History is kept under the
/// exact key and under its CP, so a version bump starts from its predecessor's time. Drone speeds are
/// learned from how much faster or slower than expected they build packages with a known history.
/// Thread-safe: the gateway records completions while it schedules.
/// </summary>
public sealed class BuildTimeEstimator(EstimatorOptions? options = null)
{
    private const double MaxSpeedCorrection = 4;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, PackageEstimate> _packages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DroneSpeedEstimate> _drones = new(StringComparer.Ordinal);

    // Parsing a CPV is a regex match; the scheduler looks the same keys up thousands of times per plan.
    private readonly Dictionary<string, string?> _cpOf = new(StringComparer.Ordinal);

    public EstimatorOptions Options { get; } = options ?? new EstimatorOptions();

    /// <summary>How much longer than the reference drone a drone with <paramref name="cores"/> takes at equal speed.</summary>
    public double CoreFactor(int cores)
    {
        var p = Options.ParallelFraction;
        return (1 - p) + (p * Options.ReferenceCores / Math.Max(1, cores));
    }

    public double ReferenceSeconds(string packageKey)
    {
        lock (_lock)
        {
            return Find(packageKey)?.ReferenceSeconds ?? Options.DefaultSeconds;
        }
    }

    public bool Knows(string packageKey)
    {
        lock (_lock)
        {
            return Find(packageKey) is not null;
        }
    }

    /// <summary>Expected seconds for the package on a drone with these cores and relative speed.</summary>
    public double Seconds(string packageKey, int cores, double speed) =>
        ReferenceSeconds(packageKey) * CoreFactor(cores) / Math.Max(speed, 0.01);

    /// <summary>Learned relative speed of a drone; 1.0 until it has built something known.</summary>
    public double SpeedOf(string droneId)
    {
        lock (_lock)
        {
            return _drones.TryGetValue(droneId, out var drone) ? drone.Speed : 1.0;
        }
    }

    public void Record(BuildSample sample)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sample.Seconds);
        lock (_lock)
        {
            var speed = _drones.TryGetValue(sample.DroneId, out var drone) ? drone.Speed : 1.0;
            if (Find(sample.PackageKey) is { } known)
            {
                var expected = known.ReferenceSeconds * CoreFactor(sample.Cores) / speed;
                var ratio = Math.Clamp(expected / sample.Seconds, 1 / MaxSpeedCorrection, MaxSpeedCorrection);
                // Smoothed from the very first sample: one odd build must not define a new drone.
                speed += Options.SpeedSmoothing * ((speed * ratio) - speed);
                _drones[sample.DroneId] = new DroneSpeedEstimate(sample.DroneId, speed, (drone?.Samples ?? 0) + 1);
            }

            // Whatever the drone's new speed does not explain is the package's own change.
            var normalised = sample.Seconds * speed / CoreFactor(sample.Cores);
            foreach (var key in Keys(sample.PackageKey))
            {
                var old = _packages.GetValueOrDefault(key);
                _packages[key] = new PackageEstimate(
                    key,
                    old is null ? normalised : Average(old.ReferenceSeconds, normalised, old.Samples, Options.Smoothing),
                    (old?.Samples ?? 0) + 1);
            }
        }
    }

    public EstimatorState Export()
    {
        lock (_lock)
        {
            return new EstimatorState(
                _packages.Values.OrderBy(p => p.PackageKey, StringComparer.Ordinal).ToList(),
                _drones.Values.OrderBy(d => d.DroneId, StringComparer.Ordinal).ToList());
        }
    }

    /// <summary>
    /// Only what the estimator knows of the given packages and drones: what one sample changed. Costs the
    /// number of keys asked for, not the size of the history (<see cref="Export()"/> sorts everything).
    /// </summary>
    public EstimatorState Export(IEnumerable<string> packageKeys, IEnumerable<string> droneIds)
    {
        lock (_lock)
        {
            return new EstimatorState(
                [.. packageKeys.Distinct(StringComparer.Ordinal).Where(_packages.ContainsKey).Select(k => _packages[k])],
                [.. droneIds.Distinct(StringComparer.Ordinal).Where(_drones.ContainsKey).Select(d => _drones[d])]);
        }
    }

    /// <summary>Adds (or overwrites) what an earlier <see cref="Export()"/> knew.</summary>
    public void Import(EstimatorState state)
    {
        lock (_lock)
        {
            foreach (var package in state.Packages.Where(p => p.ReferenceSeconds > 0))
            {
                _packages[package.PackageKey] = package;
            }

            foreach (var drone in state.Drones.Where(d => d.Speed > 0))
            {
                _drones[drone.DroneId] = drone;
            }
        }
    }

    private PackageEstimate? Find(string packageKey) =>
        _packages.GetValueOrDefault(packageKey) ?? (CpOf(packageKey) is { } cp ? _packages.GetValueOrDefault(cp) : null);

    /// <summary>The CP of a CPV key, null for a key that is no CPV (already a CP); call under the lock.</summary>
    private string? CpOf(string packageKey)
    {
        if (!_cpOf.TryGetValue(packageKey, out var cp))
        {
            cp = Cpv.TryParse(packageKey, out var cpv) ? cpv.Cp : null;
            _cpOf[packageKey] = cp;
        }

        return cp;
    }

    private static IEnumerable<string> Keys(string packageKey)
    {
        yield return packageKey;
        if (Cpv.TryParse(packageKey, out var cpv))
        {
            yield return cpv.Cp;
        }
    }

    private static double Average(double old, double sample, int samples, double weight) =>
        samples == 0 ? sample : old + (weight * (sample - old));
}
