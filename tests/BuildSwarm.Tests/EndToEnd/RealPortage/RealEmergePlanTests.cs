using System.Text.Json;
using BuildSwarm.Tests.Infrastructure;
using BuildSwarm.Tests.Infrastructure.Portage;

namespace BuildSwarm.Tests.EndToEnd.RealPortage;

/// <summary>
/// Issue 14, item 5, as far as it goes: <c>build-swarm plan</c> fed by the real
/// <c>emerge --pretend --emptytree --verbose --tree</c> of the test repository. It reads every package and the edges
/// the tree shows; the tree shows each package under one parent only, so edges are missing that Portage's own
/// metadata has (which is why the swarm test submits the graph from <see cref="PortageGraph"/>).
/// </summary>
[Collection(RealPortageCollection.Name)]
public sealed class RealEmergePlanTests(PortagePlayground playground)
{
    [Fact]
    public async Task Plan_reads_the_real_emerge_tree_of_the_repository_but_the_tree_hides_edges_that_portage_metadata_has()
    {
        var emerge = await playground.Planner.EmergeOkAsync("--pretend", "--emptytree", "--verbose", "--tree", "app-misc/toolbox", "app-misc/broken", "dev-libs/libcount:0");
        var input = Path.Combine(await playground.UserDirectoryAsync("plan"), "emerge.txt");
        await File.WriteAllTextAsync(input, emerge);
        await using var gateway = await InProcessGateway.StartAsync();

        await using var plan = SwarmProcess.Start("plan", ["plan", input, "--json", "--gateway", gateway.Url, "--tree-snapshot", PortagePlayground.TreeSnapshot]);
        Assert.True(await plan.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, plan.Output);
        using var document = JsonDocument.Parse(plan.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]);
        var planned = document.RootElement.GetProperty("packages").EnumerateArray()
            .ToDictionary(p => p.GetProperty("cpv").GetString()!, p => p.GetProperty("deps").EnumerateArray().Select(d => d.GetString()!).ToHashSet(StringComparer.Ordinal));

        var graph = await PortageGraph.ReadAsync(playground.Planner);
        Assert.Equal(graph.Packages!.Select(p => p.Cpv!).Order(StringComparer.Ordinal), planned.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["app-misc/banner-1.0", "app-misc/counter-1.0", "app-misc/framecat-1.0", "app-misc/hello-1.0"], planned["app-misc/toolbox-1.0"].Order(StringComparer.Ordinal));
        Assert.Contains("dev-libs/libcount-2.0", planned["app-misc/counter-1.0"]);

        // Every edge the plan has is one Portage's metadata has; some of Portage's are not in the tree (e.g. a
        // library needed by two packages hangs under only one of them).
        var portage = graph.Packages!.ToDictionary(p => p.Cpv!, p => p.Deps!.ToHashSet(StringComparer.Ordinal));
        Assert.All(planned, p => Assert.Subset(portage[p.Key], p.Value));
        var hidden = portage.SelectMany(p => p.Value.Except(planned[p.Key]).Select(d => $"{p.Key} -> {d}")).ToList();
        Assert.NotEmpty(hidden);
        TestContext.Current.TestOutputHelper?.WriteLine($"edges the emerge tree does not show: {string.Join(", ", hidden)}");
    }
}
