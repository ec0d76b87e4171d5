using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Hardening;

/// <summary>Issue 17: a taken port or a data directory already in use is one clear line and exit 1, never a stack trace.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class StartupRefusalTests
{
    [Theory]
    [InlineData("up")]
    [InlineData("gateway")]
    public async Task A_port_in_use_is_one_line_naming_the_address_and_exit_1(string role)
    {
        using var dir = new TempDir();
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        await using var process = SwarmProcess.Start(role, [role, "--port", port, "--data", Path.Combine(dir.Path, "data"), .. role == "up" ? ["--drones", "0"] : Array.Empty<string>()],
            workingDirectory: dir.Path);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == 1, $"exit {code}: {process.Output}");
        var line = Assert.Single(process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.Contains("in use", StringComparison.Ordinal));
        Assert.Contains($":{port}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("gateway")]
    public async Task A_second_process_on_the_same_data_directory_refuses_and_kill_9_releases_the_lock(string second)
    {
        using var dir = new TempDir();
        var data = Path.Combine(dir.Path, "data");
        await using var first = await StartUpAsync(dir.Path, data);

        await using (var again = SwarmProcess.Start(second, [second, "--port", FreePort.Next().ToString(CultureInfo.InvariantCulture), "--data", data,
            .. second == "up" ? ["--drones", "0"] : Array.Empty<string>()], workingDirectory: dir.Path))
        {
            var code = await again.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(code == 1, $"exit {code}: {again.Output}");
            Assert.Contains($"data directory {data} is in use", again.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", again.Output, StringComparison.Ordinal);
        }

        // kill -9 leaves the lock file behind, but the kernel released the lock: the next start takes it.
        await first.KillAsync();
        Assert.True(File.Exists(Path.Combine(data, "swarm.lock")));
        await using var next = await StartUpAsync(dir.Path, data);
        Assert.False(next.HasExited, next.Output);
    }

    private static async Task<SwarmProcess> StartUpAsync(string workingDirectory, string data)
    {
        var up = SwarmProcess.Start("up", ["up", "--port", FreePort.Next().ToString(CultureInfo.InvariantCulture), "--data", data, "--drones", "0"],
            workingDirectory: workingDirectory);
        await Poll.UntilAsync(() => Task.FromResult(up.Output.Contains("Dashboard:", StringComparison.Ordinal) || up.HasExited), TimeSpan.FromSeconds(60), "up to start", () => up.Output);
        Assert.False(up.HasExited, up.Output);
        return up;
    }
}
