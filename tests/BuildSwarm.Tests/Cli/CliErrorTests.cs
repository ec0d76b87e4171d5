using BuildSwarm.Gateway;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BuildSwarm.Tests.Cli;

/// <summary>The CLI's answers to mistakes: one line that names the input, through the real <c>build-swarm</c> process.</summary>
public sealed class CliErrorTests
{
    private static async Task<(int Code, string Output)> RunAsync(string workingDirectory, params string[] args)
    {
        await using var cli = SwarmProcess.Start("cli", args, workingDirectory: workingDirectory);
        var code = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));
        return (code, cli.Output.Trim());
    }

    private static void AssertOneLine(string output, string expected)
    {
        Assert.DoesNotContain('\n', output);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_takes_an_id_or_a_name_and_undrain_says_undrained()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var site = await FleetSync.RegisterAsync(gateway.Cluster, "lab");
        await FleetSync.SyncAsync(gateway.Cluster, site, FleetSync.Drone("d-near", "near", 4, site: "lab"));
        var connect = new[] { "--gateway", gateway.Url, "--token", gateway.App.Services.GetRequiredService<GatewaySecrets>().AdminToken };
        using var dir = new TempDir();

        var (code, output) = await RunAsync(dir.Path, ["drones", "drain", "d-near", .. connect]);
        Assert.True(code == 0, output);
        AssertOneLine(output, "near: drained");

        (code, output) = await RunAsync(dir.Path, ["drones", "undrain", "near", .. connect]);
        Assert.True(code == 0, output);
        AssertOneLine(output, "near: undrained (now online)");

        (code, output) = await RunAsync(dir.Path, ["drones", "drain", "nobody", .. connect]);
        Assert.Equal(1, code);
        AssertOneLine(output, "'nobody'");
    }

    [Fact]
    public async Task Logs_of_something_that_is_not_a_job_id_says_so()
    {
        using var dir = new TempDir();
        var (code, output) = await RunAsync(dir.Path, "logs", "abc", "--gateway", "http://127.0.0.1:1");
        Assert.Equal(2, code);
        AssertOneLine(output, "logs: 'abc' is not a job id");
        Assert.DoesNotContain("Int64", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_with_bad_json_names_the_file_and_the_line()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "bad.json"), "{\n  \"packages\": [\n    { \"cpv\": }\n  ]\n}\n");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "fleet.json"), "{}");
        var (code, output) = await RunAsync(dir.Path, "simulate", "--graph", "bad.json", "--fleet", "fleet.json");
        Assert.Equal(1, code);
        AssertOneLine(output, "simulate: bad.json line 3: invalid JSON");
        Assert.DoesNotContain("System.Text.Json", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Path: $", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_named_first()
    {
        using var dir = new TempDir();
        var (code, output) = await RunAsync(dir.Path, "frob");
        Assert.Equal(2, code);
        AssertOneLine(output, "unknown command 'frob'");
        Assert.StartsWith("build-swarm: unknown command 'frob'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_usage_error_is_one_line_naming_the_command()
    {
        using var dir = new TempDir();
        var (code, output) = await RunAsync(dir.Path, "drones", "drain");
        Assert.Equal(2, code);
        AssertOneLine(output, "build-swarm: drones drain: ");
        Assert.EndsWith("(see 'build-swarm drones drain --help')", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", output, StringComparison.Ordinal);
    }
}
