using BuildSwarm.Cli;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Cli;

/// <summary>The CLI finds the swarm from --data, $BUILDSWARM_DATA, ./swarm-data, then /var/lib/build-swarm.</summary>
public sealed class SwarmDataTests
{
    [Fact]
    public void The_data_directory_is_looked_for_in_order()
    {
        using var dir = new TempDir();
        var cwd = dir.Sub("cwd");
        var system = dir.Sub("var-lib-build-swarm");
        Directory.CreateDirectory(cwd);
        var local = Path.Combine(cwd, "swarm-data");

        // Nothing exists: ./swarm-data, as before.
        Assert.Equal(local, SwarmData.Locate(null, null, cwd, Path.Combine(dir.Path, "missing")));
        // A service install and no local swarm: the system directory.
        Directory.CreateDirectory(system);
        Assert.Equal(system, SwarmData.Locate(null, null, cwd, system));
        // A local swarm wins over the service install.
        Directory.CreateDirectory(local);
        Assert.Equal(local, SwarmData.Locate(null, null, cwd, system));
        // The environment wins over both, the flag over everything.
        Assert.Equal("/env", SwarmData.Locate(null, "/env", cwd, system));
        Assert.Equal("/flag", SwarmData.Locate("/flag", "/env", cwd, system));
        Assert.Equal("/env", SwarmData.Locate(" ", "/env", cwd, system));
    }

    [Fact]
    public async Task Status_reaches_the_swarm_named_by_BUILDSWARM_DATA()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        using var dir = new TempDir();
        var data = dir.Sub("elsewhere");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, "gateway.url"), gateway.Url + "\n");
        var cwd = dir.Sub("cwd");
        Directory.CreateDirectory(cwd);

        await using var cli = SwarmProcess.Start("status", ["status", "--json"],
            new Dictionary<string, string> { [SwarmData.EnvironmentVariable] = data }, cwd);
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, cli.Output);
        Assert.Contains("\"coresOnline\"", cli.Output, StringComparison.Ordinal);
    }
}
