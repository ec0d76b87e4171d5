using System.CommandLine;
using System.Text.Json;
using BuildSwarm.Cli;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Drone;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Gateway;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Hosting.Configuration;
using BuildSwarm.Orchestrator;
namespace BuildSwarm;

/// <summary><c>up</c>: a complete single-machine swarm in one process.</summary>
internal static class SwarmUp
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var port = new Option<int>("--port") { Description = "Gateway port; the orchestrator takes the next one", DefaultValueFactory = _ => 8090 };
        var data = new Option<string>("--data") { Description = "Data directory", DefaultValueFactory = _ => "swarm-data" };
        var drones = new Option<int>("--drones") { Description = "Number of local drones", DefaultValueFactory = _ => 2 };
        var sweepers = new Option<int>("--sweepers") { Description = "Local sweeper slots: drones that only take jobs that failed everywhere else (0: none)", DefaultValueFactory = _ => 1 };
        var demo = new Option<bool>("--demo") { Description = "Submit a demo build of about 30 packages once the swarm is up" };
        var bind = new Option<string>("--bind") { Description = "Address to listen on (0.0.0.0 to serve the LAN)", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("up", "Start a complete single-machine swarm: gateway, orchestrator and local drones") { config, port, data, drones, sweepers, demo, bind };
        command.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(drones);
            if (count is < 0 or > 64)
            {
                throw new CliException("--drones must be between 0 and 64");
            }

            var sweeperCount = parse.GetValue(sweepers);
            if (sweeperCount is < 0 or > 8)
            {
                throw new CliException("--sweepers must be between 0 and 8");
            }

            var dataDir = Path.GetFullPath(parse.GetValue(data)!);
            var gatewayPort = parse.GetValue(port);
            var host = parse.GetValue(bind)!;
            var configuration = NodeConfiguration.Load(parse.GetValue(config), new Dictionary<string, string?>());
            var gatewayOptions = configuration.Section<GatewayOptions>("Gateway");
            gatewayOptions.Remote = configuration.Section<Remote.RemoteOptions>("Remote");
            gatewayOptions.Listen = $"http://{host}:{gatewayPort}";
            gatewayOptions.DataDir = dataDir;
            return await RunAsync(configuration, gatewayOptions, host, gatewayPort + 1, new LocalDrones(count, sweeperCount), parse.GetValue(demo), ct);
        });
        return command;
    }

    public static string PublicUrl(GatewayOptions options) =>
        (options.PublicUrl ?? OrchestratorAddress.ListenToPublic(options.Listen)).TrimEnd('/');

    private static async Task<int> RunAsync(IConfiguration configuration, GatewayOptions gatewayOptions, string host, int orchestratorPort, LocalDrones local, bool demo, CancellationToken ct)
    {
        using var dataLock = RoleStart.LockDataDirectory(gatewayOptions.DataDir);
        await using var gateway = await GatewayServer.CreateAsync(gatewayOptions, ct);
        await RoleStart.ListenAsync(gateway, gatewayOptions.Listen, ct);
        var secrets = gateway.Services.GetRequiredService<GatewaySecrets>();
        var gatewayUrl = PublicUrl(gatewayOptions);
        await File.WriteAllTextAsync(Path.Combine(gatewayOptions.DataDir, "gateway.url"), gatewayUrl + "\n", ct);

        var orchestratorOptions = configuration.Section<OrchestratorOptions>("Orchestrator");
        orchestratorOptions.Listen = $"http://{host}:{orchestratorPort}";
        orchestratorOptions.GatewayUrl = gatewayUrl;
        orchestratorOptions.GatewayToken = secrets.ClusterToken;
        orchestratorOptions.Site = orchestratorOptions.Site == "default" ? "local" : orchestratorOptions.Site;
        orchestratorOptions.Name = $"{Environment.MachineName}-orchestrator";
        await using var orchestrator = OrchestratorServer.Create(orchestratorOptions);
        await RoleStart.ListenAsync(orchestrator, orchestratorOptions.Listen, ct);
        await WaitForRegistrationAsync(orchestrator.Services.GetRequiredService<GatewayClient>(), ct);

        // Local drones are the operator's own: they join with an auto-approving token, so `up` needs no admission step.
        var joinToken = await gateway.Services.GetRequiredService<Gateway.Storage.JoinTokens>().CreateAsync(
            new JoinTokenRequest(ExpiresInSeconds: 24 * 3600, AutoApprove: true, Note: "build-swarm up: local drones"), ct);
        var droneHosts = new List<IHost>();
        foreach (var (name, role) in local.Names())
        {
            var droneOptions = configuration.Section<DroneOptions>("Drone");
            droneOptions.Name = $"{Environment.MachineName}-{name}";
            droneOptions.Role = role;
            droneOptions.OrchestratorUrl = OrchestratorAddress.ListenToPublic(orchestratorOptions.Listen);
            droneOptions.JoinToken = joinToken.Token;
            droneOptions.WorkDir = Path.Combine(gatewayOptions.DataDir, "drones", name);
            droneOptions.ExitOnRestart = false;
            droneOptions.Cores = configuration["Drone:Cores"] is null ? Math.Max(1, Environment.ProcessorCount / Math.Max(1, local.Drones)) : droneOptions.Cores;
            droneOptions.Builder.Command ??= $"'{Path.Combine(AppContext.BaseDirectory, "builders", "demo-builder.sh")}'";
            var drone = DroneHost.Create(droneOptions);
            await drone.StartAsync(ct);
            droneHosts.Add(drone);
        }

        Output.Line($"BuildSwarm is up: {local.Drones} local drone(s), {local.Sweepers} sweeper(s), data in {gatewayOptions.DataDir}");
        Output.Line($"Dashboard:  {gatewayUrl}/");
        Output.Line($"Binhost:    {gatewayUrl}/binhost/");
        Output.Line(secrets.AdminTokenCreated
            ? $"Admin token: {secrets.AdminToken} (saved in {secrets.AdminTokenPath})"
            : $"Admin token: in {secrets.AdminTokenPath}");

        if (demo)
        {
            using var connection = GatewayConnection.Resolve(gatewayUrl, secrets.AdminToken, gatewayOptions.DataDir);
            var submitted = await connection.SubmitAsync(DemoGraph(), ct);
            Output.Line($"Demo build {submitted.BuildId} submitted: {submitted.Jobs} packages. Follow it with: ./build-swarm status");
        }

        await RoleCommands.WaitForShutdownAsync(ct);
        Output.Line("Stopping...");
        foreach (var drone in droneHosts)
        {
            await drone.StopAsync(CancellationToken.None);
            drone.Dispose();
        }

        await orchestrator.StopAsync(CancellationToken.None);
        await gateway.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>Drones started before their orchestrator knows the gateway would only be told to come back later.</summary>
    private static async Task WaitForRegistrationAsync(GatewayClient gateway, CancellationToken ct)
    {
        for (var i = 0; i < 100 && gateway.OrchestratorId is null; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    /// <summary>
    /// The local drones of <c>up</c>: normal ones, then sweeper slots, the last resort for a package that
    /// failed on every drone; without one such a job stays stuck and its build stalls.
    /// </summary>
    private sealed record LocalDrones(int Drones, int Sweepers)
    {
        public IEnumerable<(string Name, DroneRole Role)> Names() =>
            Enumerable.Range(1, Drones).Select(i => ($"drone-{i}", DroneRole.Normal))
                .Concat(Enumerable.Range(1, Sweepers).Select(i => ($"sweeper-{i}", DroneRole.Sweeper)));
    }

    public static SubmitBuildRequest DemoGraph()
    {
        using var stream = typeof(SwarmUp).Assembly.GetManifestResourceStream("BuildSwarm.Demo.demo-graph.json")!;
        return JsonSerializer.Deserialize(stream, SwarmJsonContext.Default.SubmitBuildRequest)!;
    }
}
