using BuildSwarm.Core.Scheduling;
using BuildSwarm.Core.Scheduling.Simulation;

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

    // a(100) -> b(200), and c(300) alone; reference drone: 8 cores.
    private static readonly SimulationGraph Tiny = new(
    [
        new SimulatedPackage("app-misc/a-1.0", 100),
        new SimulatedPackage("app-misc/b-1.0", 200, ["app-misc/a-1.0"]),
        new SimulatedPackage("app-misc/c-1.0", 300),
    ]);

    [Fact]
    public void Heft_beats_fifo_and_stays_near_the_lower_bound_on_a_world_graph()
    {
        var graph = WorldGraphGenerator.Generate(300, seed: 42);

        var heft = Simulator.Run(graph, Fleet, SchedulingPolicies.Get("heft"));
        var fifo = Simulator.Run(graph, Fleet, SchedulingPolicies.Get("fifo"));

        Assert.True(heft.Makespan < fifo.Makespan, $"heft {heft.Makespan:F0}s, fifo {fifo.Makespan:F0}s");
        Assert.InRange(heft.Ratio, 1.0 - 1e-9, 1.5);
        Assert.True(fifo.Ratio >= 1.0 - 1e-9);
        Assert.Equal(300, heft.Drones.Sum(d => d.Jobs));
        Assert.Equal(300, fifo.Drones.Sum(d => d.Jobs));
    }

    [Fact]
    public void Heft_keeps_its_edge_when_the_fleet_is_the_bottleneck()
    {
        var graph = WorldGraphGenerator.Generate(300, seed: 42);
        var small = new SimulationFleet(
        [
            new SimulatedDrone("quick", 8, 1.3),
            new SimulatedDrone("old", 4, 0.6),
            new SimulatedDrone("plain", 4, 1.0),
        ]);

        var heft = Simulator.Run(graph, small, SchedulingPolicies.Get("heft"));
        var fifo = Simulator.Run(graph, small, SchedulingPolicies.Get("fifo"));

        Assert.True(heft.Bounds.WorkOverCapacity > heft.Bounds.CriticalPath * 0.9, "the fleet, not the graph, should limit this run");
        Assert.True(heft.Makespan < fifo.Makespan, $"heft {heft.Makespan:F0}s, fifo {fifo.Makespan:F0}s");
        Assert.InRange(heft.Ratio, 1.0 - 1e-9, 1.5);
    }

    [Fact]
    public void Lower_bound_is_the_critical_path_on_the_fastest_drone_when_the_fleet_is_wide()
    {
        var fleet = new SimulationFleet([new SimulatedDrone("slow", 8, 1.0), new SimulatedDrone("fast", 8, 2.0)]);

        var bounds = Simulator.Bounds(Tiny, fleet);

        // Longest chain 300 s (a+b, or c) at speed 2; work 600 s over 2 slots x 1 + 2 slots x 2.
        Assert.Equal(150, bounds.CriticalPath, 6);
        Assert.Equal(100, bounds.WorkOverCapacity, 6);
        Assert.Equal(150, bounds.LowerBound, 6);
    }

    [Fact]
    public void Lower_bound_is_the_total_work_on_a_single_slot_and_both_policies_reach_it()
    {
        var fleet = new SimulationFleet([new SimulatedDrone("one", 8, Slots: 1)]);

        foreach (var name in SchedulingPolicies.Names)
        {
            var result = Simulator.Run(Tiny, fleet, SchedulingPolicies.Get(name));

            Assert.Equal(600, result.LowerBound, 6);
            Assert.Equal(600, result.Makespan, 6);
            Assert.Equal(1.0, result.Drones.Single().Utilisation, 6);
        }
    }

    [Fact]
    public void Utilisation_is_busy_slot_time_over_the_makespan()
    {
        var fleet = new SimulationFleet([new SimulatedDrone("one", 8, Slots: 2)]);

        var result = Simulator.Run(Tiny, fleet, SchedulingPolicies.Get("heft"));

        // c and a start together; b follows a: makespan 300 s, 600 busy seconds over 2 x 300.
        Assert.Equal(300, result.Makespan, 6);
        Assert.Equal(1.0, result.Drones.Single().Utilisation, 6);
    }

    [Fact]
    public void A_policy_that_starts_a_job_too_early_fails_the_run()
    {
        var fleet = new SimulationFleet([new SimulatedDrone("one", 8, Slots: 4)]);

        var error = Assert.Throws<InvalidOperationException>(() => Simulator.Run(Tiny, fleet, new EverythingAtOnce()));
        Assert.Contains("app-misc/b-1.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_generator_is_deterministic()
    {
        var first = WorldGraphGenerator.Generate(200, seed: 3);
        var again = WorldGraphGenerator.Generate(200, seed: 3);
        var other = WorldGraphGenerator.Generate(200, seed: 4);

        Assert.Equal(Describe(first), Describe(again));
        Assert.NotEqual(Describe(first), Describe(other));
        Assert.Equal(200, first.Packages.Count);
        SimulationInput.Validate(first);
    }

    private static List<string> Describe(SimulationGraph graph) =>
        graph.Packages.Select(p => $"{p.Id} {p.Duration} {string.Join(',', p.Deps ?? [])}").ToList();

    private sealed class EverythingAtOnce : ISchedulingPolicy
    {
        public string Name => "reckless";

        public IReadOnlyList<Assignment> Schedule(SchedulingSnapshot snapshot) =>
            snapshot.Jobs.Where(j => j.State != Jobs.JobState.Building).Select(j => new Assignment(j.Id, "one")).ToList();
    }
}
