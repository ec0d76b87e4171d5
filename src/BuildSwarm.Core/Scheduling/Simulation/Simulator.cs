namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>Runs a scheduling policy over a graph and a fleet in simulated time.</summary>
public static class Simulator
{
    public static SimulationResult Run(SimulationGraph graph, SimulationFleet fleet, ISchedulingPolicy policy)
    {
        SimulationInput.Validate(graph);
        SimulationInput.Validate(fleet);
        var model = new SimulationModel(graph, fleet);
        var makespan = new SimulationRun(model, policy).Execute(out var drones);
        return new SimulationResult(policy.Name, makespan, model.Bounds(), drones);
    }

    /// <summary>The bounds alone, for a graph and fleet.</summary>
    public static SimulationBounds Bounds(SimulationGraph graph, SimulationFleet fleet) =>
        new SimulationModel(graph, fleet).Bounds();
}
