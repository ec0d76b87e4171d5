using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BuildSwarm.Tests.Cli;

/// <summary><c>status --watch</c> as a child process with its output piped, as an operator piping it into a file or grep would.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class StatusWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Watch_piped_prints_a_line_for_each_change_after_it_started()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var secrets = gateway.App.Services.GetRequiredService<GatewaySecrets>();
        var site = await FleetSync.RegisterAsync(gateway.Cluster, "lab");
        await FleetSync.SyncAsync(gateway.Cluster, site, FleetSync.Drone("d-first", "first", 4, site: "lab"));

        await using var watch = SwarmProcess.Start("watch", ["status", "--watch", "--gateway", gateway.Url, "--token", secrets.AdminToken],
            new Dictionary<string, string> { ["COLUMNS"] = "120" });
        await Poll.UntilAsync(() => Task.FromResult(watch.Output.Contains("cores online 4 of 4", StringComparison.Ordinal)),
            Timeout, "the watch to show the swarm as it is", () => watch.Output);
        Assert.DoesNotContain("late", watch.Output, StringComparison.Ordinal);

        // Changes after it started: a drone joins, then a build is submitted.
        await FleetSync.SyncAsync(gateway.Cluster, site,
            FleetSync.Drone("d-first", "first", 4, site: "lab"), FleetSync.Drone("d-late", "late", 8, site: "lab"));
        await Poll.UntilAsync(() => Task.FromResult(watch.Output.Contains("cores online 12 of 12", StringComparison.Ordinal)),
            Timeout, "the watch to show the drone that joined", () => watch.Output);
        Assert.Contains("drone.joined late", watch.Output, StringComparison.Ordinal);

        await gateway.SubmitAsync(new PackageRequest("app-misc/watched-1"));
        await Poll.UntilAsync(() => Task.FromResult(watch.Output.Contains("build.submitted", StringComparison.Ordinal)
                && watch.Output.Contains("1 ready", StringComparison.Ordinal)),
            Timeout, "the watch to show the submitted build", () => watch.Output);

        // Piped output has no terminal to redraw: plain lines, no cursor movement.
        Assert.DoesNotContain("\u001b[", watch.Output, StringComparison.Ordinal);
        Assert.False(watch.HasExited, watch.Output);
        await watch.KillAsync();
        Assert.True(watch.HasExited);
    }
}
