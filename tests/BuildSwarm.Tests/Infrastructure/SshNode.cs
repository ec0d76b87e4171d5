using System.Diagnostics;
using System.Security.Cryptography;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>
/// A pretend machine: a network namespace with a private sshd (key-only, no PAM) whose sessions get
/// <c>BUILDSWARM_NODE_DIR</c> pointing at this node's own directory. Namespaces share the file system,
/// so the remote config uses <c>$BUILDSWARM_NODE_DIR/...</c> paths to give every node its own node id,
/// releases, service script and reboot script.
/// </summary>
public sealed class SshNode : IDisposable
{
    private Process? _sshd;

    public SshNode(string name, string ns, string dir, string authorizedKey)
    {
        Name = name;
        Namespace = ns;
        Dir = dir;
        Directory.CreateDirectory(Path.Combine(dir, "work"));
        Directory.CreateDirectory(Path.Combine(dir, "opt"));
        NodeId = "d-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(Path.Combine(dir, "work", "node-id"), NodeId + "\n");
        File.Copy(authorizedKey, Path.Combine(dir, "authorized_keys"));
        NetnsLab.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "host_key"));

        // The drone's "service": restart and status; a marker file makes either fail on purpose.
        Script("service", $"""
            #!/bin/sh
            echo "$1" >> "{dir}/actions.log"
            case "$1" in
              restart) [ -e "{dir}/fail-restart" ] && exit 1; exit 0 ;;
              status) v=$("{dir}/opt/current/build-swarm" --version 2>/dev/null); [ -e "{dir}/fail-version-$v" ] && exit 1; exit 0 ;;
            esac
            exit 2
            """);
        Script("reboot", $"""
            #!/bin/sh
            echo reboot >> "{dir}/actions.log"
            [ -e "{dir}/fail-reboot" ] && exit 1
            exit 0
            """);
    }

    public string Name { get; }

    public string Namespace { get; }

    public string Dir { get; }

    public string NodeId { get; }

    public string ActionsLog => Path.Combine(Dir, "actions.log");

    public IReadOnlyList<string> Actions => File.Exists(ActionsLog) ? File.ReadAllLines(ActionsLog) : [];

    public void Start()
    {
        Directory.CreateDirectory("/run/sshd");
        var config = Path.Combine(Dir, "sshd_config");
        File.WriteAllText(config, $"""
            Port 22
            ListenAddress 0.0.0.0
            HostKey {Dir}/host_key
            PidFile none
            AuthorizedKeysFile {Dir}/authorized_keys
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            AllowTcpForwarding yes
            SetEnv BUILDSWARM_NODE_DIR={Dir}
            LogLevel ERROR

            """);
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "netns", "exec", Namespace, "/usr/sbin/sshd", "-f", config, "-D", "-e" })
        {
            start.ArgumentList.Add(arg);
        }

        _sshd = Process.Start(start)!;
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
    }

    /// <summary>Waits until sshd listens inside the namespace (it may not be reachable from the root namespace).</summary>
    public async Task WaitReadyAsync()
    {
        await Poll.UntilAsync(
            () => Task.FromResult(NetnsLab.TryRun("ip", "netns", "exec", Namespace, "ss", "-Hltn", "sport = :22").Output.Contains(":22", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), $"sshd in {Namespace}");
    }

    /// <summary>Installs a release as <c>opt/releases/&lt;version&gt;</c> whose build-swarm prints that version, and points current at it.</summary>
    public void InstallRelease(string version)
    {
        var release = Path.Combine(Dir, "opt", "releases", version);
        FakeBuild.Write(release, version);
        var current = Path.Combine(Dir, "opt", "current");
        File.Delete(current);
        File.CreateSymbolicLink(current, $"releases/{version}");
    }

    public string? CurrentRelease => new FileInfo(Path.Combine(Dir, "opt", "current")).LinkTarget;

    public void Dispose()
    {
        if (_sshd is { HasExited: false })
        {
            // ip netns exec execs sshd in place, so this PID is the listening sshd itself.
            _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit(5000);
        }

        _sshd?.Dispose();
    }

    private void Script(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, text.Replace("\r", "", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

/// <summary>A stand-in for <c>dotnet publish</c> output: a build-swarm that prints its version, plus some payload.</summary>
public static class FakeBuild
{
    public static void Write(string dir, string version)
    {
        Directory.CreateDirectory(dir);
        var binary = Path.Combine(dir, "build-swarm");
        File.WriteAllText(binary, $"#!/bin/sh\necho {version}\n");
        File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllBytes(Path.Combine(dir, "BuildSwarm.dll"), RandomNumberGenerator.GetBytes(256 * 1024));
    }
}
