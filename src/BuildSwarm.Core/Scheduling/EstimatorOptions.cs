namespace BuildSwarm.Core.Scheduling;

public sealed record EstimatorOptions
{
    /// <summary>Reference-drone seconds assumed for a package never built before.</summary>
    public double DefaultSeconds { get; init; } = 300;

    /// <summary>Cores of the reference drone (speed 1.0) that durations are normalised to.</summary>
    public int ReferenceCores { get; init; } = 8;

    /// <summary>Share of a build that scales with cores (Amdahl); configure, unpack and install do not.</summary>
    public double ParallelFraction { get; init; } = 0.75;

    /// <summary>Weight of the newest sample in the moving average of a package's duration.</summary>
    public double Smoothing { get; init; } = 0.3;

    /// <summary>Weight of the newest sample in the moving average of a drone's speed.</summary>
    public double SpeedSmoothing { get; init; } = 0.2;
}

/// <summary>One finished build, as the estimator learns from it.</summary>
public sealed record BuildSample(string PackageKey, string DroneId, int Cores, double Seconds);

/// <summary>Learned duration of a package on the reference drone.</summary>
public sealed record PackageEstimate(string PackageKey, double ReferenceSeconds, int Samples);

/// <summary>Learned speed of a drone relative to the reference drone.</summary>
public sealed record DroneSpeedEstimate(string DroneId, double Speed, int Samples);

/// <summary>What the estimator knows, for the gateway to persist and load back.</summary>
public sealed record EstimatorState(IReadOnlyList<PackageEstimate> Packages, IReadOnlyList<DroneSpeedEstimate> Drones);
