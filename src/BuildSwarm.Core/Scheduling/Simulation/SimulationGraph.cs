namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>graph.json: packages to build, with durations in seconds on a reference drone.</summary>
public sealed record SimulationGraph(IReadOnlyList<SimulatedPackage> Packages, int ReferenceCores = 8);

public sealed record SimulatedPackage(string Id, double Duration, IReadOnlyList<string>? Deps = null);
