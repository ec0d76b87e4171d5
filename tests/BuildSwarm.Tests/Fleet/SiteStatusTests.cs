using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>The gateway's status per site, and a site whose orchestrators fell silent.</summary>
public sealed class SiteStatusTests : IAsyncLifetime
{
    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await InProcessGateway.StartAsync(o => o.OrchestratorTimeoutSeconds = 2);

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_site_whose_orchestrator_is_gone_is_shown_unreachable_with_its_last_known_drones()
    {
        var home = await RegisterAsync("home-1", "home", "primary");
        var remote = await RegisterAsync("remote-1", "remote", "primary");
        await SyncAsync(home, Drone("h1", "home", 8));
        await SyncAsync(remote, Drone("r1", "remote", 4), Drone("r2", "remote", 4));

        var status = await StatusAsync();
        Assert.Equal(16, status.CoresOnline);
        Assert.Equal([("home", true, 8, 1), ("remote", true, 8, 2)], status.Sites!.Select(s => (s.Site, s.Reachable, s.CoresOnline, s.Drones)));

        // Only home keeps syncing; remote's orchestrator is gone.
        var unreachable = await Poll.UntilAsync(async () =>
        {
            await SyncAsync(home, Drone("h1", "home", 8));
            var s = await StatusAsync();
            return s.Sites!.Single(x => x.Site == "remote").Reachable ? null : s;
        }, TimeSpan.FromSeconds(15), "the remote site to be unreachable");

        var site = unreachable.Sites!.Single(x => x.Site == "remote");
        Assert.Equal((0, 0, 2, "remote-1"), (site.CoresOnline, site.DronesOnline, site.Drones, site.Primary));
        Assert.True(site.LastSyncAgeSeconds >= 2);
        Assert.Equal(8, unreachable.CoresOnline);
        Assert.True(unreachable.Sites!.Single(x => x.Site == "home").Reachable);

        var discovery = await _gateway.Anonymous.GetFromJsonAsync("api/gateway/orchestrators", SwarmJsonContext.Default.OrchestratorDirectory);
        Assert.False(discovery!.Sites.Single(s => s.Site == "remote").Reachable);
        Assert.False(discovery.Sites.Single(s => s.Site == "remote").Primary!.Healthy);

        var (code, output) = await CliRun.RunAsync(null, "status", "--gateway", _gateway.Url);
        Assert.Equal(0, code);
        Assert.True(output.Contains("UNREACHABLE", StringComparison.Ordinal), output);
    }

    private static DroneView Drone(string name, string site, int cores) =>
        new($"d-{name}", name, site, cores, 8000, 1, "online", "192.168.1.9", [], DateTimeOffset.UtcNow);

    private async Task<string> RegisterAsync(string name, string site, string role)
    {
        using var response = await _gateway.Cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration(name, site, $"http://127.0.0.1:1/{name}", role), SwarmJsonContext.Default.OrchestratorRegistration);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
    }

    private async Task SyncAsync(string orchestratorId, params DroneView[] drones)
    {
        using var response = await _gateway.Cluster.PostAsJsonAsync($"api/gateway/orchestrators/{orchestratorId}/sync", new OrchestratorSync(drones), SwarmJsonContext.Default.OrchestratorSync);
        response.EnsureSuccessStatusCode();
    }

    private async Task<SwarmStatus> StatusAsync() =>
        (await _gateway.Anonymous.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!;
}
