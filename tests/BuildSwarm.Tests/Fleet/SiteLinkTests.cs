using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>
/// A remote site behind a slow link the test cuts:
/// <code>
///   gw 10.78.0.1 (gateway :18090) ══ veth ══ 10.78.0.2 remote: relay 127.0.0.1:18095 (+20 ms each way)
///                                                             ↑ orchestrator "remote" + drone (gateway URL = the relay)
/// </code>
/// The kernel here has no netem, so the ~40 ms round trip comes from <see cref="DelayRelay"/>: everything the
/// remote site sends to the gateway (the orchestrator's sync and lease renewals, the drone's upload) goes
/// through it and then over the veth pair, so cutting the veth cuts the site off.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class SiteLinkTests
{
    private const string GatewayUrl = "http://10.78.0.1:18090";
    private const string RelayUrl = "http://127.0.0.1:18095";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan OneWay = TimeSpan.FromMilliseconds(20);

    /// <summary>The issue's figure: longer than any retry or timeout on the path, shorter than the lease.</summary>
    private static readonly TimeSpan Cut = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cutting_the_site_link_shows_the_site_unreachable_while_it_keeps_building_and_it_resyncs_when_the_link_returns()
    {
        if (NetworkNamespace.Unsupported() is { } reason)
        {
            Assert.Skip(reason);
        }

        using var dir = new TempDir();
        using var gw = NetworkNamespace.Create("gw");
        using var remote = NetworkNamespace.Create("remote");
        var (gwLink, remoteLink) = NetworkNamespace.Link(gw, "10.78.0.1/24", remote, "10.78.0.2/24");
        await using var relay = DelayRelay.Start(new IPEndPoint(IPAddress.Loopback, 18095), remote.Name, new IPEndPoint(IPAddress.Parse("10.78.0.1"), 18090), remote.Name, OneWay);
        var clock = Stopwatch.StartNew();

        await using var gateway = SwarmProcess.Start("gateway", ["gateway"], new Dictionary<string, string>
        {
            ["BUILDSWARM_Gateway__Listen"] = "http://0.0.0.0:18090",
            ["BUILDSWARM_Gateway__PublicUrl"] = GatewayUrl,
            ["BUILDSWARM_Gateway__DataDir"] = dir.Sub("gateway"),
            ["BUILDSWARM_Gateway__LeaseSeconds"] = "120", // longer than the cut: the site keeps what it holds
            ["BUILDSWARM_Gateway__OrchestratorTimeoutSeconds"] = "3",
        }, networkNamespace: gw.Name);
        var admin = await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(dir.Path, "gateway", "cluster.token"))
            ? File.ReadAllText(Path.Combine(dir.Path, "gateway", "admin.token")).Trim() : null), Timeout, "the gateway's tokens", () => gateway.Output);
        string[] connect = ["--gateway", GatewayUrl, "--token", admin];
        await using var orchestrator = SwarmProcess.Start("orchestrator", ["orchestrator"], new Dictionary<string, string>
        {
            ["BUILDSWARM_Orchestrator__Listen"] = "http://0.0.0.0:18091",
            ["BUILDSWARM_Orchestrator__PublicUrl"] = "http://10.78.0.2:18091",
            ["BUILDSWARM_Orchestrator__GatewayUrl"] = RelayUrl, // handed on to the drone, so its upload takes the slow link too
            ["BUILDSWARM_Orchestrator__GatewayToken"] = File.ReadAllText(Path.Combine(dir.Path, "gateway", "cluster.token")).Trim(),
            ["BUILDSWARM_Orchestrator__Site"] = "remote",
            ["BUILDSWARM_Orchestrator__SyncSeconds"] = "1",
        }, networkNamespace: remote.Name);
        var token = await Poll.UntilAsync(async () =>
        {
            var (code, output) = await CliRun.RunAsync(gw.Name, ["token", "create", "--auto-approve", "--json", .. connect]);
            return code == 0 ? JsonSerializer.Deserialize(output, SwarmJsonContext.Default.JoinTokenCreated) : null;
        }, Timeout, "a join token from the gateway", () => gateway.Output);
        await using var drone = SwarmProcess.Start("remote-drone", ["drone"], new Dictionary<string, string>
        {
            ["BUILDSWARM_Drone__OrchestratorUrl"] = "http://127.0.0.1:18091",
            ["BUILDSWARM_Drone__JoinToken"] = token.Token,
            ["BUILDSWARM_Drone__Name"] = "remote-drone",
            ["BUILDSWARM_Drone__WorkDir"] = dir.Sub("remote-drone"),
            ["BUILDSWARM_Drone__Cores"] = "2",
            ["BUILDSWARM_Drone__Slots"] = "1",
            ["BUILDSWARM_Drone__HeartbeatSeconds"] = "1",
            ["BUILDSWARM_Drone__Builder__Command"] = SwarmProcess.DemoBuilder,
            ["BUILDSWARM_Drone__Builder__Environment__BUILDSWARM_DEMO_SECONDS"] = "8",
        }, networkNamespace: remote.Name);
        string Logs() => string.Join("\n", new[] { gateway, orchestrator, drone }.Select(p => $"== {p.Name}\n{p.Output}"));
        SwarmStatus Status() => JsonSerializer.Deserialize(gw.Exec("curl", "-sf", $"{GatewayUrl}/api/gateway/status"), SwarmJsonContext.Default.SwarmStatus)!;

        await Poll.UntilAsync(() => Task.FromResult(Status().DronesOnline == 1), Timeout, "the remote drone to be online", Logs);
        var roundTrip = TimeSpan.FromSeconds(double.Parse(remote.Exec("curl", "-sf", "-o", "/dev/null", "-w", "%{time_total}", $"{RelayUrl}/healthz"), CultureInfo.InvariantCulture));
        Assert.True(roundTrip >= 2 * OneWay, $"a request through the relay took {roundTrip.TotalMilliseconds:0.0} ms");
        var buildId = (await CliRun.OkAsync(gw.Name, ["submit", "app-misc/far-away-1.0", .. connect])).Trim();
        await Poll.UntilAsync(() => Task.FromResult(Status().Jobs.GetValueOrDefault("building") == 1), Timeout, "the job to be building at the remote site", Logs);

        // Cut the link mid-build: the gateway shows the site as unreachable, not gone.
        gw.SetLink(gwLink, up: false);
        var cutUntil = DateTime.UtcNow + Cut;
        var cut = await Poll.UntilAsync(() => Task.FromResult(Status() is { } s && s.Sites!.Single(x => x.Site == "remote").Reachable == false ? s : null),
            TimeSpan.FromSeconds(30), "the remote site to be unreachable", Logs);
        Assert.Equal((0, 1), (cut.Sites!.Single().DronesOnline, cut.Sites!.Single().Drones));
        await Poll.UntilAsync(() => Task.FromResult(drone.Output.Contains("Upload of job", StringComparison.Ordinal)),
            Timeout, "the drone to finish building and try to upload while cut off", Logs);

        // For the rest of the cut the gateway keeps waiting: the job stays leased to the site, nothing requeues it.
        var checks = 0;
        while (DateTime.UtcNow < cutUntil)
        {
            var during = Status();
            Assert.Equal((1, 0, false), (during.Jobs.GetValueOrDefault("building"), during.Jobs.GetValueOrDefault("queued"), during.Sites!.Single().Reachable));
            checks++;
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // the pace of the checks, not a synchronisation
        }

        var (chunksBeforeReturn, bytesBeforeReturn) = (relay.ChunksForwarded, relay.BytesForwarded);
        gw.SetLink(gwLink, up: true);
        var back = await Poll.UntilAsync(() => Task.FromResult(Status() is { } s && s.Jobs.GetValueOrDefault("done") == 1 && s.Sites!.Single().Reachable ? s : null),
            Timeout, "the remote site to resync and the job to be done", Logs);
        Assert.Equal(1, back.BinhostPackages);
        var build = JsonSerializer.Deserialize(gw.Exec("curl", "-sf", $"{GatewayUrl}/api/gateway/builds/{buildId}"), SwarmJsonContext.Default.BuildView)!;
        var job = Assert.Single(build.Jobs);
        Assert.Equal((JobState.Done, 0, "remote-drone"), (job.State, job.Attempts, job.Drone)); // built once, where it was, not requeued
        Assert.Equal(1, Regex.Count(drone.Output, @"\(app-misc/far-away-1\.0\) uploaded")); // one upload taken, none dropped as a duplicate
        Assert.DoesNotContain("already completed elsewhere", drone.Output, StringComparison.Ordinal);

        // The site's traffic really crossed the relay, and every chunk of it was held for the delay.
        Assert.True(chunksBeforeReturn >= 10, $"only {chunksBeforeReturn} chunks crossed the relay before the cut");
        var packageSize = long.Parse(Regex.Match(gw.Exec("curl", "-sf", $"{GatewayUrl}/binhost/Packages"), @"^SIZE: (\d+)$", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(relay.BytesForwarded - bytesBeforeReturn >= packageSize,
            $"{relay.BytesForwarded - bytesBeforeReturn} bytes crossed after the link returned, less than the {packageSize}-byte package the drone uploaded through it");
        Assert.True(relay.ShortestHold >= OneWay, $"a chunk was held only {relay.ShortestHold.TotalMilliseconds:0.0} ms");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"round trip through the relay {roundTrip.TotalMilliseconds:0.0} ms; {relay.ChunksForwarded} chunks ({relay.BytesForwarded} bytes) over {relay.Connections} connections, " +
            $"shortest hold {relay.ShortestHold.TotalMilliseconds:0.0} ms; link cut {Cut.TotalSeconds:0} s ({checks} checks); test {clock.Elapsed.TotalSeconds:0} s");
    }
}
