namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>fleet.json: the drones to simulate.</summary>
public sealed record SimulationFleet(IReadOnlyList<SimulatedDrone> Drones);

/// <summary>One drone; slots follow <see cref="DroneSlots.Compute"/> unless given.</summary>
public sealed record SimulatedDrone(
    string Name,
    int Cores,
    double Speed = 1.0,
    string Site = "home",
    long RamMb = 0,
    int? Slots = null,
    DroneRole Role = DroneRole.Normal);
