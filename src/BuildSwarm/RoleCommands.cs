using System.CommandLine;
using BuildSwarm.Cli;
using BuildSwarm.Drone;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Gateway;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Hosting.Configuration;
using BuildSwarm.Orchestrator;
namespace BuildSwarm;

/// <summary><c>gateway</c>, <c>orchestrator</c> and <c>drone</c>: one role per process.</summary>
internal static class RoleCommands
{
    public static Command Gateway()
    {
        var config = CommonOptions.Config();
        var port = new Option<int?>("--port") { Description = "Port to listen on (default 8090)" };
        var data = new Option<string?>("--data") { Description = "Data directory (default ./swarm-data)" };
        var command = new Command("gateway", "Run the gateway: build queue, binhost, status, dashboard") { config, port, data };
        command.SetAction(async (parse, ct) =>
        {
            var configuration = NodeConfiguration.Load(parse.GetValue(config), new Dictionary<string, string?>
            {
                ["Gateway:Listen"] = parse.GetValue(port) is { } p ? $"http://0.0.0.0:{p}" : null,
                ["Gateway:DataDir"] = parse.GetValue(data),
            });
            var options = configuration.Section<GatewayOptions>("Gateway");
            options.Remote = configuration.Section<Remote.RemoteOptions>("Remote");
            using var dataLock = RoleStart.LockDataDirectory(options.DataDir);
            await using var app = await GatewayServer.CreateAsync(options, ct);
            await RoleStart.ListenAsync(app, options.Listen, ct);
            var url = SwarmUp.PublicUrl(options);
            await File.WriteAllTextAsync(Path.Combine(options.DataDir, "gateway.url"), url + "\n", ct);
            Output.Line($"Gateway listening on {options.Listen}; dashboard {url}/");
            await WaitForShutdownAsync(ct);
            await app.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    public static Command Orchestrator()
    {
        var config = CommonOptions.Config();
        var port = new Option<int?>("--port") { Description = "Port to listen on (default 8091)" };
        var gateway = new Option<string?>("--gateway") { Description = "Gateway URL" };
        var token = new Option<string?>("--token") { Description = "Gateway cluster token (<gateway data>/cluster.token)" };
        var site = new Option<string?>("--site") { Description = "Site name" };
        var role = new Option<string?>("--role") { Description = "primary or secondary (default primary)" };
        var command = new Command("orchestrator", "Run a site orchestrator: admits drones, leases jobs from the gateway") { config, port, gateway, token, site, role };
        command.SetAction(async (parse, ct) =>
        {
            var configuration = NodeConfiguration.Load(parse.GetValue(config), new Dictionary<string, string?>
            {
                ["Orchestrator:Listen"] = parse.GetValue(port) is { } p ? $"http://0.0.0.0:{p}" : null,
                ["Orchestrator:GatewayUrl"] = parse.GetValue(gateway),
                ["Orchestrator:GatewayToken"] = parse.GetValue(token),
                ["Orchestrator:Site"] = parse.GetValue(site),
                ["Orchestrator:Role"] = parse.GetValue(role),
            });
            var options = configuration.Section<OrchestratorOptions>("Orchestrator");
            if (options.Role is not ("primary" or "secondary"))
            {
                throw new UsageException($"--role / Orchestrator:Role must be 'primary' or 'secondary', not '{options.Role}'");
            }

            if (string.IsNullOrEmpty(options.GatewayToken))
            {
                throw new CliException("the orchestrator needs the gateway's cluster token: --token or Orchestrator:GatewayToken");
            }

            await using var app = OrchestratorServer.Create(options);
            await RoleStart.ListenAsync(app, options.Listen, ct);
            Output.Line($"Orchestrator for site {options.Site} listening on {options.Listen}, gateway {options.GatewayUrl}");
            await WaitForShutdownAsync(ct);
            await app.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    public static Command Drone()
    {
        var config = CommonOptions.Config();
        var orchestrator = new Option<string?>("--orchestrator") { Description = "Orchestrator URL (optional with --gateway: discovery finds it)" };
        var gatewayUrl = new Option<string?>("--gateway") { Description = "Gateway URL, for discovery of the site's orchestrators" };
        var droneSite = new Option<string?>("--site") { Description = "Site whose orchestrators to use (needed when the gateway knows several)" };
        var token = new Option<string?>("--token") { Description = "Join token" };
        var name = new Option<string?>("--name") { Description = "Drone name (default: host name)" };
        var work = new Option<string?>("--work-dir") { Description = "Working directory (default ./swarm-data/drone)" };
        var builderCommand = new Option<string?>("--builder-command") { Description = "Command the 'command' builder runs per job" };
        var command = new Command("drone", "Run a build drone") { config, orchestrator, gatewayUrl, droneSite, token, name, work, builderCommand };
        command.SetAction(async (parse, ct) =>
        {
            var configuration = NodeConfiguration.Load(parse.GetValue(config), new Dictionary<string, string?>
            {
                ["Drone:OrchestratorUrl"] = parse.GetValue(orchestrator),
                ["Drone:GatewayUrl"] = parse.GetValue(gatewayUrl),
                ["Drone:Site"] = parse.GetValue(droneSite),
                ["Drone:JoinToken"] = parse.GetValue(token),
                ["Drone:Name"] = parse.GetValue(name),
                ["Drone:WorkDir"] = parse.GetValue(work),
                ["Drone:Builder:Command"] = parse.GetValue(builderCommand),
            });
            var options = configuration.Section<DroneOptions>("Drone");
            using var host = DroneHost.Create(options);
            await host.StartAsync(ct);
            Output.Line($"Drone {options.Name} working for {options.OrchestratorUrl ?? $"the orchestrators {options.GatewayUrl} names"}");
            await WaitForShutdownAsync(ct);
            await host.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    public static async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
