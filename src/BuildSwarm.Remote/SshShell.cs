using System.Diagnostics;
using System.Text;

namespace BuildSwarm.Remote;

/// <summary>
/// Runs the system OpenSSH client and rsync, so the operator's ssh config, keys and agent apply.
/// BatchMode keeps a missing key or unknown host from ever waiting for a password prompt.
/// </summary>
public sealed class SshShell(RemoteOptions options)
{
    public async Task<SshResult> RunAsync(string drone, RemoteRoute route, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var args = new List<string>(SshArguments(drone, route)) { Destination(drone, route), "--", command };
        return await RunProcessAsync("ssh", args, timeout, cancellationToken);
    }

    /// <summary>Copies a directory's contents to <paramref name="remoteDir"/>, hard-linking unchanged files from <paramref name="linkDest"/>.</summary>
    public async Task<SshResult> RsyncAsync(string drone, RemoteRoute route, string localDir, string remoteDir, string? linkDest, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var shell = "ssh " + string.Join(' ', SshArguments(drone, route).Select(RsyncQuote));
        // --checksum: with --link-dest, rsync's size+mtime quick check would hard-link an old file that
        // happens to match both (a rebuilt dll of the same size in the same second) instead of copying it.
        var args = new List<string> { "-a", "--delete", "--checksum", "-e", shell };
        if (linkDest is not null)
        {
            args.Add("--link-dest=" + linkDest);
        }

        var host = route.Address.Contains(':', StringComparison.Ordinal) ? $"[{route.Address}]" : route.Address;
        var user = User(drone);
        args.Add(localDir.TrimEnd('/') + "/");
        args.Add($"{(user is null ? "" : user + "@")}{host}:{remoteDir.TrimEnd('/')}/");
        return await RunProcessAsync("rsync", args, timeout, cancellationToken);
    }

    public IReadOnlyList<string> SshArguments(string drone, RemoteRoute route)
    {
        var host = options.Host(drone);
        var args = new List<string> { "-o", "BatchMode=yes", "-o", $"ConnectTimeout={Math.Max(1, options.ConnectTimeoutSeconds)}" };
        if (!string.IsNullOrEmpty(options.SshConfigFile))
        {
            args.AddRange(["-F", options.SshConfigFile]);
        }

        if (!string.IsNullOrEmpty(options.IdentityFile))
        {
            args.AddRange(["-i", options.IdentityFile, "-o", "IdentitiesOnly=yes"]);
        }

        if (!string.IsNullOrEmpty(options.KnownHostsFile))
        {
            args.AddRange(["-o", $"UserKnownHostsFile={options.KnownHostsFile}"]);
        }

        if (!string.IsNullOrEmpty(options.StrictHostKeyChecking))
        {
            args.AddRange(["-o", $"StrictHostKeyChecking={options.StrictHostKeyChecking}"]);
        }

        if (host.Port is { } port)
        {
            args.AddRange(["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (route.Jump is not null)
        {
            args.AddRange(["-J", route.Jump]);
        }

        if (options.MultiplexSeconds > 0)
        {
            // One authenticated connection per route, shared by the probe, the commands and rsync: a push
            // makes about six round trips per node, and each new SSH handshake costs far more than a command.
            args.AddRange(["-o", "ControlMaster=auto", "-o", $"ControlPath={ControlPath(drone, route)}",
                "-o", $"ControlPersist={options.MultiplexSeconds}"]);
        }

        return args;
    }

    /// <summary>A socket per drone and route (a jump route may reach a different machine at the same address).</summary>
    private string ControlPath(string drone, RemoteRoute route)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"build-swarm-ssh-{Environment.UserName}");
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var key = $"{User(drone)}@{route.Address}:{options.Host(drone).Port}|{route.Jump}|{options.SshConfigFile}";
        return Path.Combine(dir, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..20]);
    }

    private string Destination(string drone, RemoteRoute route) => User(drone) is { } user ? $"{user}@{route.Address}" : route.Address;

    private string? User(string drone) => options.Host(drone).User is { Length: > 0 } u ? u : options.User is { Length: > 0 } g ? g : null;

    private static string RsyncQuote(string arg) => arg.Any(char.IsWhiteSpace) ? "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'" : arg;

    private static async Task<SshResult> RunProcessAsync(string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new SshResult(255, "", $"cannot run {file}: {ex.Message}");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return new SshResult(255, stdout.ToString(), $"{file} timed out after {timeout.TotalSeconds:0}s");
        }

        // The exit event can come before the last output line; this waits for the readers to drain.
        process.WaitForExit();
        return new SshResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.Append(line).Append('\n');
        }
    }
}
