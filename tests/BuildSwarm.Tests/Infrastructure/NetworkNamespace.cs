using System.Diagnostics;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>
/// A Linux network namespace the test creates (<c>ip netns add</c>) and deletes by name on dispose, with
/// helpers for veth links, routes, forwarding, NAT and netem. Only these namespaces and their loopback carry
/// traffic: veth ends are created directly inside the namespaces, never in the host's.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private static int _counter;

    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    /// <summary>Null when namespaces can be created here; otherwise why not (for <c>Assert.Skip</c>).</summary>
    public static string? Unsupported()
    {
        var probe = $"bs-probe-{Environment.ProcessId}";
        var (code, output) = Shell("ip", "netns", "add", probe);
        if (code != 0)
        {
            return $"'ip netns add' is not permitted here ({output.Trim()}): these tests need root or CAP_SYS_ADMIN";
        }

        Shell("ip", "netns", "del", probe);
        return null;
    }

    /// <summary>Creates <c>bs-&lt;role&gt;-&lt;pid&gt;-&lt;n&gt;</c> with its loopback up.</summary>
    public static NetworkNamespace Create(string role)
    {
        var name = $"bs-{role}-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";
        if (name.Length > 40)
        {
            throw new ArgumentException($"namespace name '{name}' is too long", nameof(role));
        }

        Run("ip", "netns", "add", name);
        var ns = new NetworkNamespace(name);
        try
        {
            ns.Ip("link", "set", "lo", "up");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Joins two namespaces with a veth pair; each end gets its address (CIDR, e.g. <c>10.77.1.1/24</c>).
    /// Returns the interface names (in <paramref name="a"/>, in <paramref name="b"/>).
    /// </summary>
    public static (string A, string B) Link(NetworkNamespace a, string aCidr, NetworkNamespace b, string bCidr)
    {
        var n = Interlocked.Increment(ref _counter);
        var (ifA, ifB) = ($"veth{n}a", $"veth{n}b");
        Run("ip", "link", "add", ifA, "netns", a.Name, "type", "veth", "peer", "name", ifB, "netns", b.Name);
        a.Ip("addr", "add", aCidr, "dev", ifA);
        b.Ip("addr", "add", bCidr, "dev", ifB);
        a.Ip("link", "set", ifA, "up");
        b.Ip("link", "set", ifB, "up");
        return (ifA, ifB);
    }

    public void Ip(params string[] args) => Run(["ip", "-n", Name, .. args]);

    /// <summary>Runs a command inside this namespace; throws with its output when it fails.</summary>
    public string Exec(params string[] command) => Run(["ip", "netns", "exec", Name, .. command]);

    public void DefaultRoute(string via) => Ip("route", "add", "default", "via", via);

    public void EnableForwarding() => Exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");

    /// <summary>Source NAT for traffic leaving through <paramref name="outInterface"/>, like a home router.</summary>
    public void Masquerade(string outInterface) => Exec("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", outInterface, "-j", "MASQUERADE");

    /// <summary>Rewrites the source of traffic from <paramref name="sourceCidr"/> delivered to this namespace to <paramref name="address"/>.</summary>
    public void SourceNatIncoming(string sourceCidr, string address) =>
        Exec("iptables", "-t", "nat", "-A", "INPUT", "-s", sourceCidr, "-j", "SNAT", "--to-source", address);

    /// <summary>
    /// Adds a fixed delay to packets leaving <paramref name="interfaceName"/> (netem); false when the kernel
    /// has no netem (sch_netem), so a test can go on without the delay and say so.
    /// </summary>
    public bool TryDelay(string interfaceName, TimeSpan delay) =>
        Shell("ip", "netns", "exec", Name, "tc", "qdisc", "add", "dev", interfaceName, "root", "netem", "delay", $"{(int)delay.TotalMilliseconds}ms").Code == 0;

    public void SetLink(string interfaceName, bool up) => Ip("link", "set", interfaceName, up ? "up" : "down");

    /// <summary>Deletes the namespace by name; processes still inside must have been killed first.</summary>
    public void Dispose() => Shell("ip", "netns", "del", Name);

    private static string Run(params string[] command)
    {
        var (code, output) = Shell(command);
        return code == 0 ? output : throw new InvalidOperationException($"'{string.Join(' ', command)}' failed ({code}): {output}");
    }

    private static (int Code, string Output) Shell(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
