using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>
/// Drones behind NAT, in network namespaces the test creates:
/// <code>
///   vlan 192.168.77.2 ── 192.168.77.1 router (MASQUERADE) 10.77.1.2 ══ 40 ms (netem, when the kernel has it) ══ 10.77.1.1 gw (gateway + orchestrator)
///   lan  192.168.78.2 ── 192.168.78.1 gw, which rewrites the source of lan traffic to its own 10.77.1.1
/// </code>
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class NatTests
{
    private const string GatewayUrl = "http://10.77.1.1:18090";
    private const string OrchestratorUrl = "http://10.77.1.1:18091";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_drone_behind_a_masquerading_router_keeps_its_reported_address_and_our_own_address_is_never_stored()
    {
        if (NetworkNamespace.Unsupported() is { } reason)
        {
            Assert.Skip(reason);
        }

        using var dir = new TempDir();
        using var gw = NetworkNamespace.Create("gw");
        using var router = NetworkNamespace.Create("rtr");
        using var vlan = NetworkNamespace.Create("vlan");
        using var lan = NetworkNamespace.Create("lan");
        var (gwUplink, routerUplink) = NetworkNamespace.Link(gw, "10.77.1.1/24", router, "10.77.1.2/24");
        NetworkNamespace.Link(router, "192.168.77.1/24", vlan, "192.168.77.2/24");
        router.EnableForwarding();
        router.Masquerade(routerUplink);
        vlan.DefaultRoute("192.168.77.1");
        var delayed = gw.TryDelay(gwUplink, TimeSpan.FromMilliseconds(20)) & router.TryDelay(routerUplink, TimeSpan.FromMilliseconds(20));
        TestContext.Current.SendDiagnosticMessage(delayed ? "cross-site link delayed 40 ms round trip" : "no netem in this kernel: cross-site link not delayed");
        NetworkNamespace.Link(gw, "192.168.78.1/24", lan, "192.168.78.2/24");
        lan.DefaultRoute("192.168.78.1");
        gw.SourceNatIncoming("192.168.78.0/24", "10.77.1.1");

        // Declared after the namespaces, so disposed (killed) before them.
        await using var gateway = SwarmProcess.Start("gateway", ["gateway"], new Dictionary<string, string>
        {
            ["BUILDSWARM_Gateway__Listen"] = "http://0.0.0.0:18090",
            ["BUILDSWARM_Gateway__PublicUrl"] = GatewayUrl,
            ["BUILDSWARM_Gateway__DataDir"] = dir.Sub("gateway"),
        }, networkNamespace: gw.Name);
        var admin = await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(dir.Path, "gateway", "cluster.token"))
            ? File.ReadAllText(Path.Combine(dir.Path, "gateway", "admin.token")).Trim() : null), Timeout, "the gateway's tokens", () => gateway.Output);
        string[] connect = ["--gateway", GatewayUrl, "--token", admin];
        await using var orchestrator = SwarmProcess.Start("orchestrator", ["orchestrator"], new Dictionary<string, string>
        {
            ["BUILDSWARM_Orchestrator__Listen"] = "http://0.0.0.0:18091",
            ["BUILDSWARM_Orchestrator__PublicUrl"] = OrchestratorUrl,
            ["BUILDSWARM_Orchestrator__GatewayUrl"] = GatewayUrl,
            ["BUILDSWARM_Orchestrator__GatewayToken"] = File.ReadAllText(Path.Combine(dir.Path, "gateway", "cluster.token")).Trim(),
            ["BUILDSWARM_Orchestrator__Site"] = "lab",
            ["BUILDSWARM_Orchestrator__SyncSeconds"] = "1",
        }, networkNamespace: gw.Name);
        var token = await Poll.UntilAsync(async () =>
        {
            var (code, output) = await CliRun.RunAsync(gw.Name, ["token", "create", "--auto-approve", "--json", .. connect]);
            return code == 0 ? JsonSerializer.Deserialize(output, SwarmJsonContext.Default.JoinTokenCreated) : null;
        }, Timeout, "a join token from the gateway", () => gateway.Output);

        // The NATed drone finds its orchestrator through discovery, across the router; the other is told where it is.
        await using var natDrone = Drone("nat-drone", vlan, dir, token.Token, new() { ["BUILDSWARM_Drone__GatewayUrl"] = GatewayUrl, ["BUILDSWARM_Drone__Site"] = "lab" });
        await using var maskedDrone = Drone("masked-drone", lan, dir, token.Token, new() { ["BUILDSWARM_Drone__OrchestratorUrl"] = OrchestratorUrl });
        string Logs() => string.Join("\n", new[] { gateway, orchestrator, natDrone, maskedDrone }.Select(p => $"== {p.Name}\n{p.Output}"));

        var drones = await Poll.UntilAsync(async () =>
        {
            var (code, output) = await CliRun.RunAsync(gw.Name, ["drones", "list", "--json", .. connect]);
            var list = code == 0 ? JsonSerializer.Deserialize(output, SwarmJsonContext.Default.IReadOnlyListFleetDrone)! : [];
            return list.Count(d => d.State == "online") == 2 ? list : null;
        }, Timeout, "both drones to be online", Logs);

        var nat = drones.Single(d => d.Name == "nat-drone");
        Assert.Equal(("192.168.77.2", "192.168.77.2", "10.77.1.2", true, false), (nat.Address, nat.ReportedAddress, nat.ObservedAddress, nat.BehindNat, nat.MaskedByGateway));

        var masked = drones.Single(d => d.Name == "masked-drone");
        Assert.Equal(("192.168.78.2", "192.168.78.2", null, true, true), (masked.Address, masked.ReportedAddress, masked.ObservedAddress, masked.BehindNat, masked.MaskedByGateway));

        string[] gatewayOwn = ["10.77.1.1", "192.168.78.1", "127.0.0.1"];
        Assert.All(drones, d => Assert.DoesNotContain(d.Address, gatewayOwn));
        Assert.All(drones, d => Assert.DoesNotContain(d.ObservedAddress, gatewayOwn));

        // Both work through the NAT: leases via the orchestrator, packages straight to the gateway.
        var submitted = await CliRun.OkAsync(gw.Name, ["submit", "app-misc/one-1.0", "app-misc/two-1.0", "app-misc/three-1.0", "--wait", .. connect]);
        Assert.Contains("done: 3 done", submitted, StringComparison.Ordinal);

        // A reboot request for the NATed drone. Its agent is up: the order goes down the drone channel and
        // runs on the drone itself (its reboot command, harmless here, leaves a file behind).
        router.Exec("iptables", "-I", "INPUT", "-p", "tcp", "--dport", "22"); // counting rules: SSH aimed at the router or the gateway
        gw.Exec("iptables", "-I", "INPUT", "-p", "tcp", "--dport", "22");
        var (code, body) = Command(gw, admin, "nat-drone");
        Assert.True(code == 200, body);
        Assert.Equal(("drone", null), (JsonSerializer.Deserialize(body, SwarmJsonContext.Default.ControlResult)!.Channel, JsonSerializer.Deserialize(body, SwarmJsonContext.Default.ControlResult)!.Route));
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(dir.Path, "nat-drone.rebooted"))), Timeout, "the reboot order to run on the NATed drone", Logs);

        // Its agent is down: the SSH fallback tries the drone's reported address only, never the router (the
        // address the gateway saw) nor the gateway; none of them is reachable from here, so nothing runs.
        await natDrone.KillAsync();
        await Poll.UntilAsync(async () =>
        {
            var (listed, output) = await CliRun.RunAsync(gw.Name, ["drones", "list", "--json", .. connect]);
            return listed == 0 && JsonSerializer.Deserialize(output, SwarmJsonContext.Default.IReadOnlyListFleetDrone)!.Single(d => d.Name == "nat-drone").State == "offline";
        }, Timeout, "the NATed drone to be offline", Logs);
        (code, body) = Command(gw, admin, "nat-drone");
        Assert.True(code == 502, body);
        Assert.Contains("tried reported 192.168.77.2 (", body, StringComparison.Ordinal);
        var attempt = JsonSerializer.Deserialize(gw.Exec("curl", "-sf", $"{GatewayUrl}/api/gateway/alerts?all=true"), SwarmJsonContext.Default.IReadOnlyListControlEvent)!
            .Single(e => e.Drone == "nat-drone" && e.Step == "reboot (ssh)");
        Assert.Equal("unreachable", attempt.Outcome);
        Assert.All(new[] { "10.77.1.2", "10.77.1.1", "192.168.78.1", "127.0.0.1" }, own => Assert.DoesNotContain(own, attempt.Detail, StringComparison.Ordinal));
        Assert.DoesNotContain("nat-drone", gw.Exec("curl", "-sf", $"{GatewayUrl}/api/gateway/remote/routes"), StringComparison.Ordinal);
        Assert.Equal((0, 0), (SshPacketsIn(router), SshPacketsIn(gw)));
        TestContext.Current.TestOutputHelper?.WriteLine($"reboot with the agent down: {attempt.Outcome}: {attempt.Detail}");
    }

    /// <summary><c>POST /api/command</c> reboot, forced (a drone of unknown kind), from inside the gateway's namespace.</summary>
    private static (int Code, string Body) Command(NetworkNamespace gw, string admin, string drone)
    {
        var output = gw.Exec("curl", "-s", "-w", "\n%{http_code}", "-X", "POST", "-H", $"Authorization: Bearer {admin}", "-H", "Content-Type: application/json",
            "-d", $$"""{"action":"reboot","drone":"{{drone}}","force":true}""", $"{GatewayUrl}/api/command");
        var split = output.TrimEnd().LastIndexOf('\n');
        return (int.Parse(output[(split + 1)..].Trim(), CultureInfo.InvariantCulture), output[..split]);
    }

    /// <summary>Packets the counting rule saw: TCP to port 22 delivered to this namespace itself.</summary>
    private static long SshPacketsIn(NetworkNamespace ns) =>
        long.Parse(ns.Exec("iptables", "-L", "INPUT", "-v", "-n", "-x").Split('\n').First(l => l.Contains("dpt:22", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[0],
            CultureInfo.InvariantCulture);

    private static SwarmProcess Drone(string name, NetworkNamespace ns, TempDir dir, string joinToken, Dictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>(extra)
        {
            ["BUILDSWARM_Drone__JoinToken"] = joinToken,
            ["BUILDSWARM_Drone__Name"] = name,
            ["BUILDSWARM_Drone__WorkDir"] = dir.Sub(name),
            ["BUILDSWARM_Drone__Cores"] = "2",
            ["BUILDSWARM_Drone__Slots"] = "1",
            ["BUILDSWARM_Drone__HeartbeatSeconds"] = "1",
            ["BUILDSWARM_Drone__Builder__Command"] = SwarmProcess.DemoBuilder,
            ["BUILDSWARM_Drone__Builder__Environment__BUILDSWARM_DEMO_SECONDS"] = "0.1",
            ["BUILDSWARM_Drone__RebootCommand"] = $"touch {Path.Combine(dir.Path, name + ".rebooted")}", // never the machine running the tests
        };
        return SwarmProcess.Start(name, ["drone"], environment, networkNamespace: ns.Name);
    }
}
