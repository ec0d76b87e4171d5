using BuildSwarm.Hosting.Network;
using BuildSwarm.Remote;

namespace BuildSwarm.Gateway.Remote;

public static class RemoteServices
{
    /// <summary>The gateway's remote control: SSH routes, identity checks, control actions, alerts, self-healing.</summary>
    public static IServiceCollection AddRemoteControl(this IServiceCollection services, RemoteOptions options, string dataDir)
    {
        services.AddSingleton(options)
            .AddSingleton(LocalAddresses.Current)
            .AddSingleton<SshShell>()
            .AddSingleton(sp => new RouteMemory(RouteMemory.FileIn(dataDir), sp.GetRequiredService<TimeProvider>()))
            .AddSingleton<RouteFinder>()
            .AddSingleton<RemoteControl>()
            .AddSingleton<ControlEventLog>()
            .AddSingleton<IControlEvents>(sp => sp.GetRequiredService<ControlEventLog>())
            .AddSingleton<SelfHealer>()
            .AddSingleton<ControlDispatcher>()
            .AddSingleton<IssuedControlOrders>()
            .AddSingleton(sp => new OrchestratorControlClient(new HttpClient(), sp.GetRequiredService<Gateway.GatewaySecrets>()));
        if (options.SelfHealing.Enabled)
        {
            services.AddHostedService<SelfHealingService>();
        }

        return services;
    }
}
