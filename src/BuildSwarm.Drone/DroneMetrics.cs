using BuildSwarm.Drone.Configuration;
using Prometheus;

namespace BuildSwarm.Drone;

/// <summary>
/// What a drone tells Prometheus about itself: its slots, the jobs it runs, its power and its builds.
/// Kept in the drone's own registry so a drone sharing a process with other roles (<c>up</c>, tests) keeps them apart.
/// </summary>
public sealed class DroneMetrics
{
    private readonly Gauge _running;
    private readonly Gauge _watts;
    private readonly Counter _built;
    private readonly Counter _failed;
    private readonly Histogram _duration;

    public DroneMetrics(DroneOptions options)
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        factory.CreateGauge("buildswarm_drone_slots", "Jobs this drone builds at once.").Set(options.SlotCount());
        factory.CreateGauge("buildswarm_drone_cores", "Cores this drone offers.").Set(options.Cores);
        _running = factory.CreateGauge("buildswarm_drone_jobs_running", "Jobs this drone is building now.");
        _watts = factory.CreateGauge("buildswarm_drone_power_watts", "Power this drone last measured (RAPL) or estimated; 0 until known.");
        _built = factory.CreateCounter("buildswarm_drone_jobs_built_total", "Jobs this drone built to a package (then uploaded to the gateway).");
        _failed = factory.CreateCounter("buildswarm_drone_jobs_failed_total", "Jobs this drone failed to build.");
        // Package builds run from seconds to hours.
        _duration = factory.CreateHistogram("buildswarm_drone_build_duration_seconds", "Time from taking a job to its outcome, by outcome.",
            new HistogramConfiguration { LabelNames = ["outcome"], Buckets = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400] });
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public void Started() => _running.Inc();

    /// <summary>A job ended; <paramref name="success"/> null when it was abandoned (revoked or shut down), which is neither.</summary>
    public void Finished(bool? success, TimeSpan elapsed)
    {
        _running.Dec();
        switch (success)
        {
            case true:
                _built.Inc();
                _duration.WithLabels("built").Observe(elapsed.TotalSeconds);
                break;
            case false:
                _failed.Inc();
                _duration.WithLabels("failed").Observe(elapsed.TotalSeconds);
                break;
        }
    }

    public void Power(double? watts) => _watts.Set(watts ?? 0);
}
