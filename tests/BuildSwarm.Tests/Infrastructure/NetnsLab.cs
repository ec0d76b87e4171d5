using System.Diagnostics;
using System.Security.Cryptography;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>
/// Network namespaces joined by veth pairs, each link its own /24 inside one private 10.x.0.0/16 that the
/// root namespace routes nowhere (an "unreachable" route), so no test packet can leave the machine.
/// Everything is removed in Dispose: namespaces by name, the route, and the sshd processes by PID.
/// </summary>
public sealed class NetnsLab : IDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<string> _rootLinks = [];
    private readonly List<SshNode> _nodes = [];
    private readonly string _prefix = "bs" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
    private int _links;

    public NetnsLab()
    {
        Octet = RandomNumberGenerator.GetInt32(180, 250);
        Dir = new TempDir();
        ClientKey = Path.Combine(Dir.Path, "id_ed25519");
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ClientKey);
        Run("ip", "route", "add", "unreachable", $"10.{Octet}.0.0/16");
        KnownHosts = Path.Combine(Dir.Path, "known_hosts");
        SshConfig = Path.Combine(Dir.Path, "ssh_config");

        // Jump hosts take their settings from the config file (-F), not from -o options: ssh passes -F down the chain.
        File.WriteAllText(SshConfig, $"""
            Host *
              User root
              IdentityFile {ClientKey}
              IdentitiesOnly yes
              UserKnownHostsFile {KnownHosts}
              StrictHostKeyChecking accept-new
              BatchMode yes
              ConnectTimeout 3
              LogLevel ERROR

            """);
    }

    public int Octet { get; }

    public TempDir Dir { get; }

    public string ClientKey { get; }

    public string KnownHosts { get; }

    public string SshConfig { get; }

    public static bool Available() =>
        Environment.UserName == "root" && File.Exists("/usr/sbin/sshd") && File.Exists("/usr/bin/rsync") && Which("ip") && Which("ssh");

    /// <summary>A namespace running its own sshd with a node directory of its own.</summary>
    public SshNode AddNode(string name)
    {
        var ns = $"{_prefix}-{name}";
        Run("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Run("ip", "-n", ns, "link", "set", "lo", "up");
        var node = new SshNode(name, ns, Path.Combine(Dir.Path, "nodes", name), ClientKey + ".pub");
        _nodes.Add(node);
        return node;
    }

    /// <summary>Links a node to the root namespace (where the tests run); returns (root address, node address).</summary>
    public (string Root, string Node) LinkToRoot(SshNode node)
    {
        var (a, b, subnet) = NextLink();
        Run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        _rootLinks.Add(a);
        Run("ip", "link", "set", b, "netns", node.Namespace);
        Run("ip", "addr", "add", $"{subnet}.1/24", "dev", a);
        Run("ip", "link", "set", a, "up");
        Run("ip", "-n", node.Namespace, "addr", "add", $"{subnet}.2/24", "dev", b);
        Run("ip", "-n", node.Namespace, "link", "set", b, "up");
        return ($"{subnet}.1", $"{subnet}.2");
    }

    /// <summary>Links two nodes; the root namespace has no route to this link. Returns (first's address, second's address).</summary>
    public (string First, string Second) Link(SshNode first, SshNode second)
    {
        var (a, b, subnet) = NextLink();
        Run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        Run("ip", "link", "set", a, "netns", first.Namespace);
        Run("ip", "link", "set", b, "netns", second.Namespace);
        Run("ip", "-n", first.Namespace, "addr", "add", $"{subnet}.1/24", "dev", a);
        Run("ip", "-n", first.Namespace, "link", "set", a, "up");
        Run("ip", "-n", second.Namespace, "addr", "add", $"{subnet}.2/24", "dev", b);
        Run("ip", "-n", second.Namespace, "link", "set", b, "up");
        return ($"{subnet}.1", $"{subnet}.2");
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        foreach (var link in _rootLinks)
        {
            TryRun("ip", "link", "del", link);
        }

        foreach (var ns in _namespaces)
        {
            TryRun("ip", "netns", "del", ns);
        }

        TryRun("ip", "route", "del", "unreachable", $"10.{Octet}.0.0/16");
        Dir.Dispose();
    }

    private (string A, string B, string Subnet) NextLink()
    {
        var n = ++_links;
        return ($"{_prefix}v{n}a", $"{_prefix}v{n}b", $"10.{Octet}.{n}");
    }

    public static string Run(string file, params string[] args)
    {
        var (code, output) = TryRun(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {output}");
    }

    public static (int Code, string Output) TryRun(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }

    private static bool Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, name)));
}
