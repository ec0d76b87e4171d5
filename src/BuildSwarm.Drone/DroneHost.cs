using BuildSwarm.Drone.Builders;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Drone.Control;
using BuildSwarm.Hosting;

namespace BuildSwarm.Drone;

/// <summary>The drone role: outgoing calls only, plus an optional metrics listener (Drone:MetricsListen).</summary>
public static class DroneHost
{
    public static IHost Create(DroneOptions options, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.UseRoleLogging(logs);
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        // A connect that gets no answer (a cut site link) must fail fast enough to try another orchestrator or retry.
        builder.Services.AddSingleton(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            Timeout = TimeSpan.FromMinutes(30),
        });
        builder.Services.AddSingleton<OrchestratorLocator>();
        builder.Services.AddSingleton<OrchestratorClient>();
        builder.Services.AddSingleton<PortageTree>();
        builder.Services.AddSingleton<IBuilder>(sp => options.Builder.Kind switch
        {
            "command" => new CommandBuilder(SweeperMode.Builder(options), SweeperMode.Jobs(options), sp.GetRequiredService<ILogger<CommandBuilder>>()),
            "emerge" => new EmergeBuilder(options, sp.GetRequiredService<OrchestratorClient>(), sp.GetRequiredService<ILogger<EmergeBuilder>>()),
            _ => throw new InvalidOperationException($"unknown builder kind '{options.Builder.Kind}' (Drone:Builder:Kind): use 'command' or 'emerge'"),
        });
        builder.Services.AddSingleton<LogShipper>();
        builder.Services.AddSingleton(sp => new PowerMeter(options.Power, options.Cores, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<DroneControl>();
        builder.Services.AddSingleton<DroneMetrics>();
        builder.Services.AddHostedService<DroneMetricsServer>();
        builder.Services.AddHostedService<DroneAgent>();
        return builder.Build();
    }
}
