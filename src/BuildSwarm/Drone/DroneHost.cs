using BuildSwarm.Configuration;
using BuildSwarm.Drone.Builders;

namespace BuildSwarm.Drone;

/// <summary>The drone role: no HTTP server of its own, only outgoing calls.</summary>
public static class DroneHost
{
    public static IHost Create(DroneOptions options, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = TimeSpan.FromMinutes(30),
        });
        builder.Services.AddSingleton<OrchestratorClient>();
        builder.Services.AddSingleton<IBuilder>(sp => options.Builder.Kind switch
        {
            "command" => new CommandBuilder(options.Builder, options.Cores, sp.GetRequiredService<ILogger<CommandBuilder>>()),
            _ => throw new InvalidOperationException($"unknown builder kind '{options.Builder.Kind}' (Drone:Builder:Kind): use 'command'"),
        });
        builder.Services.AddSingleton<Remote.DroneControl>();
        builder.Services.AddHostedService<DroneAgent>();
        return builder.Build();
    }
}
