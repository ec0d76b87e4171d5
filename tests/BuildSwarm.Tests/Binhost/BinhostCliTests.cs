using BuildSwarm.Gateway;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BuildSwarm.Tests.Binhost;

/// <summary>The <c>build-swarm binhost</c> commands against a real gateway: exit codes are what scripts rely on.</summary>
public sealed class BinhostCliTests
{
    [Fact]
    public async Task Binhost_commands_drive_the_admin_api_with_meaningful_exit_codes()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Targets.Add(new BinhostTargetOptions { Name = "amd64" }));
        var token = gateway.App.Services.GetRequiredService<GatewaySecrets>().AdminToken;
        string[] connect = ["--gateway", gateway.Url, "--token", token, "--json"];
        var accepted = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0", "amd64");

        Assert.Equal(0, await SwarmCommandLine.RunAsync(["binhost", "verify", .. connect]));
        Assert.Equal(0, await SwarmCommandLine.RunAsync(["binhost", "promote", "amd64", "--name", "one", .. connect]));
        Assert.Equal(1, await SwarmCommandLine.RunAsync(["binhost", "promote", "amd64", "--name", "one", .. connect]));
        Assert.Equal(0, await SwarmCommandLine.RunAsync(["binhost", "promote", "amd64", .. connect]));
        Assert.Equal(0, await SwarmCommandLine.RunAsync(["binhost", "rollback", "amd64", .. connect]));
        Assert.Equal(0, await SwarmCommandLine.RunAsync(["binhost", "releases", "amd64", .. connect]));
        Assert.Equal(1, await SwarmCommandLine.RunAsync(["binhost", "export-key", .. connect]));
        Assert.Equal(0, await SwarmCommandLine.RunAsync(["binhost", "init-key", .. connect]));
        Assert.Equal(0, await SwarmCommandLine.RunAsync(["binhost", "export-key", .. connect]));
        Assert.Equal(0, await SwarmCommandLine.RunAsync(["binhost", "gc", .. connect]));
        Assert.Equal(2, await SwarmCommandLine.RunAsync(["binhost", "promote", .. connect]));

        File.Delete(Path.Combine(gateway.Options.DataDir, "binhost", "amd64", accepted.Path));
        // The live entry can be dropped, but the releases still list the missing file: problems remain.
        Assert.Equal(1, await SwarmCommandLine.RunAsync(["binhost", "verify", "--repair", .. connect]));
        Assert.Empty((await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/amd64/Packages")).Packages);
        BinhostHarness.KillAgent(Path.Combine(gateway.Options.DataDir, "gnupg"));
    }
}
