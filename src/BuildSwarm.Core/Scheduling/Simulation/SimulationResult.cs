namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>How one policy did: makespan against the lower bound no policy can beat.</summary>
public sealed record SimulationResult(
    string Policy,
    double Makespan,
    SimulationBounds Bounds,
    IReadOnlyList<DroneUtilisation> Drones)
{
    public double LowerBound => Bounds.LowerBound;

    /// <summary>Makespan over lower bound; 1.0 is optimal, and usually out of reach.</summary>
    public double Ratio => LowerBound > 0 ? Makespan / LowerBound : 1;
}

/// <summary>Share of a drone's slot-seconds spent building, over the whole makespan.</summary>
public sealed record DroneUtilisation(string Name, int Cores, int Slots, double Speed, int Jobs, double BusySeconds, double Utilisation);
