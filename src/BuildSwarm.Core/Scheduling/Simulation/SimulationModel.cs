namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>
/// The graph and the fleet in the shape the simulator works with: packages by index, normal drones with
/// their slots, and an estimator that knows every duration exactly (the simulator measures the policy,
/// not the estimator). Sweepers are left out: nothing fails in a simulation.
/// </summary>
internal sealed class SimulationModel
{
    public const string Target = "default";

    public SimulationModel(SimulationGraph graph, SimulationFleet fleet)
    {
        Packages = graph.Packages;
        Estimator = new BuildTimeEstimator(new EstimatorOptions { ReferenceCores = graph.ReferenceCores });
        Estimator.Import(new EstimatorState(graph.Packages.Select(p => new PackageEstimate(p.Id, p.Duration, 1)).ToList(), []));
        Drones = fleet.Drones
            .Where(d => d.Role == DroneRole.Normal)
            .Select(d => new ModelDrone(d, DroneSlots.Compute(d.Cores, d.RamMb, d.Slots)))
            .ToList();
        var index = graph.Packages.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        Deps = graph.Packages.Select(p => (p.Deps ?? []).Select(d => index[d]).ToArray()).ToArray();
        Dependants = Enumerable.Range(0, Deps.Length)
            .SelectMany(i => Deps[i].Select(d => (Dep: d, Dependant: i)))
            .ToLookup(e => e.Dep, e => e.Dependant);
        Order = TopologicalOrder(graph);
    }

    public IReadOnlyList<SimulatedPackage> Packages { get; }

    public BuildTimeEstimator Estimator { get; }

    public IReadOnlyList<ModelDrone> Drones { get; }

    public int[][] Deps { get; }

    public ILookup<int, int> Dependants { get; }

    public IReadOnlyList<int> Order { get; }

    public double Seconds(int package, ModelDrone drone) =>
        Packages[package].Duration * Estimator.CoreFactor(drone.Spec.Cores) / drone.Spec.Speed;

    public SimulationBounds Bounds()
    {
        var fastest = Drones.Min(d => Estimator.CoreFactor(d.Spec.Cores) / d.Spec.Speed);
        var finish = new double[Packages.Count];
        foreach (var i in Order)
        {
            finish[i] = (Packages[i].Duration * fastest) + Deps[i].Select(d => finish[d]).DefaultIfEmpty(0).Max();
        }

        var capacity = Drones.Sum(d => d.Slots * d.Spec.Speed / Estimator.CoreFactor(d.Spec.Cores));
        return new SimulationBounds(finish.DefaultIfEmpty(0).Max(), Packages.Sum(p => p.Duration) / capacity);
    }

    /// <summary>Package indexes, dependencies first; shorter than the graph when it has a cycle.</summary>
    public static List<int> TopologicalOrder(SimulationGraph graph)
    {
        var index = graph.Packages.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var pending = graph.Packages.Select(p => (p.Deps ?? []).Count).ToArray();
        var dependants = graph.Packages.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < graph.Packages.Count; i++)
        {
            foreach (var dep in graph.Packages[i].Deps ?? [])
            {
                dependants[index[dep]].Add(i);
            }
        }

        var order = new List<int>(graph.Packages.Count);
        var ready = new Queue<int>(Enumerable.Range(0, pending.Length).Where(i => pending[i] == 0));
        while (ready.TryDequeue(out var i))
        {
            order.Add(i);
            foreach (var d in dependants[i].Where(d => --pending[d] == 0))
            {
                ready.Enqueue(d);
            }
        }

        return order;
    }
}

internal sealed record ModelDrone(SimulatedDrone Spec, int Slots);
