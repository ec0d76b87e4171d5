using System.Text.Json;

namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>Reads and checks graph.json and fleet.json; a bad file fails with what is wrong in it.</summary>
public static class SimulationInput
{
    public static async Task<SimulationGraph> ReadGraphAsync(Stream json, CancellationToken cancellationToken = default)
    {
        var graph = await JsonSerializer.DeserializeAsync(json, SimulationJsonContext.Default.SimulationGraph, cancellationToken)
            ?? throw new InvalidDataException("graph: empty document");
        Validate(graph);
        return graph;
    }

    public static async Task<SimulationFleet> ReadFleetAsync(Stream json, CancellationToken cancellationToken = default)
    {
        var fleet = await JsonSerializer.DeserializeAsync(json, SimulationJsonContext.Default.SimulationFleet, cancellationToken)
            ?? throw new InvalidDataException("fleet: empty document");
        Validate(fleet);
        return fleet;
    }

    public static void Validate(SimulationGraph graph)
    {
        if (graph.Packages is null || graph.Packages.Count == 0)
        {
            throw new InvalidDataException("graph: no packages");
        }

        if (graph.ReferenceCores < 1)
        {
            throw new InvalidDataException("graph: referenceCores must be at least 1");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var package in graph.Packages)
        {
            if (string.IsNullOrWhiteSpace(package.Id) || !ids.Add(package.Id))
            {
                throw new InvalidDataException($"graph: missing or duplicate package id '{package.Id}'");
            }

            if (!(package.Duration > 0))
            {
                throw new InvalidDataException($"graph: {package.Id} needs a positive duration");
            }
        }

        var unknown = graph.Packages.SelectMany(p => (p.Deps ?? []).Where(d => !ids.Contains(d)).Select(d => $"{p.Id} -> {d}")).FirstOrDefault();
        if (unknown is not null)
        {
            throw new InvalidDataException($"graph: dependency on a package not in the graph: {unknown}");
        }

        if (SimulationModel.TopologicalOrder(graph).Count != graph.Packages.Count)
        {
            throw new InvalidDataException("graph: dependency cycle");
        }
    }

    public static void Validate(SimulationFleet fleet)
    {
        if (fleet.Drones is null || !fleet.Drones.Any(d => d.Role == DroneRole.Normal))
        {
            throw new InvalidDataException("fleet: no normal drones");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var drone in fleet.Drones)
        {
            if (string.IsNullOrWhiteSpace(drone.Name) || !names.Add(drone.Name))
            {
                throw new InvalidDataException($"fleet: missing or duplicate drone name '{drone.Name}'");
            }

            if (drone.Cores < 1 || !(drone.Speed > 0))
            {
                throw new InvalidDataException($"fleet: {drone.Name} needs cores >= 1 and speed > 0");
            }
        }
    }
}
