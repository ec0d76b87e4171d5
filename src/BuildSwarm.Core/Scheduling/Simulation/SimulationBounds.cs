namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>
/// Two limits no schedule can beat: the critical path built entirely on the fastest drone, and the total
/// work spread perfectly over every slot of the fleet.
/// </summary>
public sealed record SimulationBounds(double CriticalPath, double WorkOverCapacity)
{
    public double LowerBound => Math.Max(CriticalPath, WorkOverCapacity);
}
