using BuildSwarm.Core.Scheduling;
using BuildSwarm.Core.Scheduling.Simulation;
using Xunit;

namespace BuildSwarm.Core.Tests.Scheduling;

public sealed class SimulatorTests
{
    private static readonly SimulationFleet Fleet = new(
    [
        new SimulatedDrone("d16", 16),
        new SimulatedDrone("d8", 8),
        new SimulatedDrone("d14", 14),
        new SimulatedDrone("d20", 20),
    ]);

    [Fact]
    public void Heft_beats_fifo_and_stays_near_the_lower_bound_on_a_world_graph()
    {
        var graph = WorldGraphGenerator.Generate(300, seed: 42);

        var heft = Simulator.Run(graph, Fleet, SchedulingPolicies.Get("heft"));
        var fifo = Simulator.Run(graph, Fleet, SchedulingPolicies.Get("fifo"));

        TestContext.Current.SendDiagnosticMessage($"heft {heft.Makespan:F0}s ratio {heft.Ratio:F3}; fifo {fifo.Makespan:F0}s ratio {fifo.Ratio:F3}; cp {heft.Bounds.CriticalPath:F0} work {heft.Bounds.WorkOverCapacity:F0}");
        Assert.True(heft.Makespan < fifo.Makespan, $"heft {heft.Makespan:F0}s, fifo {fifo.Makespan:F0}s");
        Assert.True(heft.Ratio <= 1.5, $"heft ratio {heft.Ratio:F3}");
        Assert.True(heft.Ratio >= 1.0 - 1e-9);
        Assert.True(fifo.Ratio >= 1.0 - 1e-9);
    }
}
