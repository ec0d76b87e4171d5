using BuildSwarm.Remote;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BuildSwarm.Tests.Cli;

/// <summary><c>build-swarm status</c> shows, per drone, the SSH route that last reached it.</summary>
public sealed class StatusRouteTests
{
    [Fact]
    public async Task Status_shows_the_remembered_ssh_route_of_each_drone()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var site = await FleetSync.RegisterAsync(gateway.Cluster, "lab");
        await FleetSync.SyncAsync(gateway.Cluster, site, FleetSync.Drone("d-near", "near", 4, site: "lab"), FleetSync.Drone("d-far", "far", 8, site: "lab"));
        gateway.App.Services.GetRequiredService<RouteMemory>().Remember("far", new RemoteRoute("jump", "10.20.3.4", "bastion"));

        using var dir = new TempDir();
        await using var cli = SwarmProcess.Start("status", ["status", "--gateway", gateway.Url], new Dictionary<string, string> { ["COLUMNS"] = "250" }, dir.Path);
        Assert.Equal(0, await cli.WaitForExitAsync(TimeSpan.FromMinutes(1)));

        // Table cells may wrap on a narrow console: look at the text, not at lines.
        Assert.Contains("10.20.3.4", cli.Output, StringComparison.Ordinal);
        Assert.Contains("bastion", cli.Output, StringComparison.Ordinal);
        Assert.Contains("SSH route", cli.Output, StringComparison.Ordinal);
    }
}
