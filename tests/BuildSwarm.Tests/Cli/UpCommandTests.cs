using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Cli;

[Collection(MultiProcessCollection.Name)]
public sealed class UpCommandTests
{
    [Fact]
    public async Task Up_with_demo_builds_the_demo_graph_and_the_cli_finds_it_without_flags()
    {
        using var dir = new TempDir();
        var port = FreePort.Next();
        await using var up = SwarmProcess.Start("up", ["up", "--demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--drones", "2"],
            new Dictionary<string, string> { ["BUILDSWARM_Drone__Builder__Environment__BUILDSWARM_DEMO_SECONDS"] = "0.05" },
            workingDirectory: dir.Path);

        await Poll.UntilAsync(() => Task.FromResult(up.Output.Contains("Demo build", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the demo build to be submitted", () => up.Output);
        Assert.Contains($"Dashboard:  http://127.0.0.1:{port}/", up.Output, StringComparison.Ordinal);
        var token = File.ReadAllText(Path.Combine(dir.Path, "swarm-data", "admin.token")).Trim();
        Assert.Contains($"Admin token: {token}", up.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir.Path, "swarm-data", "admin.token")));

        // status --json from the same directory: no --gateway, no --token.
        var status = await Poll.UntilAsync(async () =>
        {
            var (code, output) = await RunCliAsync(dir.Path, "status", "--json");
            Assert.Equal(0, code);
            var parsed = JsonSerializer.Deserialize(output, SwarmJsonContext.Default.SwarmStatus)!;
            return parsed.Jobs.GetValueOrDefault("done") == 32 && parsed.DronesOnline == 3 ? parsed : null;
        }, TimeSpan.FromMinutes(3), "the 32 demo packages to be built", () => up.Output);
        Assert.Equal(3, status.DronesOnline); // two drones and the sweeper slot `up` starts by default
        Assert.Single(status.Drones, d => d.Role == BuildSwarm.Core.Scheduling.DroneRole.Sweeper);
        Assert.Equal(32, status.BinhostPackages);

        // submit --wait with the local token: exits 0 once the build is done.
        var (submitCode, submitOutput) = await RunCliAsync(dir.Path, "submit", "app-misc/hello-1.0", "--wait");
        Assert.True(submitCode == 0, submitOutput);
        Assert.Contains("done: 1 done", submitOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_stops_on_sigterm_like_a_service_manager_asks_it_to()
    {
        using var dir = new TempDir();
        var port = FreePort.Next();
        await using var up = SwarmProcess.Start("up", ["up", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--drones", "1"],
            workingDirectory: dir.Path);
        await Poll.UntilAsync(() => Task.FromResult(up.Output.Contains("Dashboard:", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "up to start", () => up.Output);

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", up.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await up.WaitForExitAsync(TimeSpan.FromSeconds(20)); // throws if it ignores SIGTERM
        Assert.True(up.HasExited, up.Output);
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_unreachable_gateway_exits_1()
    {
        using var dir = new TempDir();
        Assert.Equal(2, (await RunCliAsync(dir.Path, "submit")).Code);
        Assert.Equal(2, (await RunCliAsync(dir.Path, "submit", "not-a-cpv")).Code);
        Assert.Equal(2, (await RunCliAsync(dir.Path, "frobnicate")).Code);
        var (code, output) = await RunCliAsync(dir.Path, "status", "--gateway", $"http://127.0.0.1:{FreePort.Next()}");
        Assert.Equal(1, code);
        Assert.Contains("cannot reach the gateway", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunCliAsync(string workingDirectory, params string[] args)
    {
        await using var cli = SwarmProcess.Start("cli", args, null, workingDirectory);
        var code = await cli.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (code, cli.Output);
    }
}
