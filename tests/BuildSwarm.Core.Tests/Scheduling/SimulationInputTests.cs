using System.Text;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Core.Scheduling.Simulation;

namespace BuildSwarm.Core.Tests.Scheduling;

public sealed class SimulationInputTests
{
    [Fact]
    public async Task Reads_the_documented_formats()
    {
        var graph = await SimulationInput.ReadGraphAsync(Utf8("""
            { "packages": [
                { "id": "sys-libs/zlib-1.3", "duration": 120 },
                { "id": "dev-libs/openssl-3.3.2", "duration": 360, "deps": ["sys-libs/zlib-1.3"] }
              ],
              "referenceCores": 16 }
            """), TestContext.Current.CancellationToken);
        var fleet = await SimulationInput.ReadFleetAsync(Utf8("""
            { "drones": [
                { "name": "d1", "cores": 16, "speed": 1.0, "site": "home" },
                { "name": "s1", "cores": 4, "role": "sweeper" }
              ] }
            """), TestContext.Current.CancellationToken);

        Assert.Equal(16, graph.ReferenceCores);
        Assert.Equal(["sys-libs/zlib-1.3"], graph.Packages[1].Deps);
        Assert.Equal(DroneRole.Sweeper, fleet.Drones[1].Role);
        Assert.Equal(1.0, fleet.Drones[1].Speed);
    }

    [Theory]
    [InlineData("""{ "packages": [ { "id": "a/b-1", "duration": 1, "deps": ["a/c-1"] } ] }""", "not in the graph")]
    [InlineData("""{ "packages": [ { "id": "a/b-1", "duration": 1, "deps": ["a/c-1"] }, { "id": "a/c-1", "duration": 1, "deps": ["a/b-1"] } ] }""", "cycle")]
    [InlineData("""{ "packages": [ { "id": "a/b-1", "duration": 0 } ] }""", "positive duration")]
    [InlineData("""{ "packages": [] }""", "no packages")]
    public async Task Refuses_a_broken_graph(string json, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SimulationInput.ReadGraphAsync(Utf8(json), TestContext.Current.CancellationToken));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_fleet_without_normal_drones()
    {
        var json = """{ "drones": [ { "name": "s1", "cores": 4, "role": "sweeper" } ] }""";

        await Assert.ThrowsAsync<InvalidDataException>(() => SimulationInput.ReadFleetAsync(Utf8(json), TestContext.Current.CancellationToken));
    }

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));
}
