using BuildSwarm.Gateway.Energy;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Logs;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Monitoring;

/// <summary>The gateway's monitor: events, logs, energy, dashboard views and metrics.</summary>
public static class MonitoringSetup
{
    public static IServiceCollection AddMonitoring(this IServiceCollection services) =>
        services.AddSingleton<EventLog>()
            .AddSingleton<IEventSink>(sp => sp.GetRequiredService<EventLog>())
            .AddSingleton<EnergyLedger>()
            .AddSingleton<FleetMonitor>()
            .AddSingleton<LogStore>()
            .AddHostedService<LogJanitor>()
            .AddSingleton<MonitorQueries>()
            .AddSingleton<GatewayMetrics>();

    /// <summary>Loads the energy totals and puts ETags on the read-only views; call before mapping endpoints.</summary>
    public static async Task UseMonitoringAsync(this WebApplication app, CancellationToken cancellationToken)
    {
        await app.Services.GetRequiredService<EnergyLedger>().LoadAsync(cancellationToken);
        app.Services.GetRequiredService<GatewayMetrics>();
        app.UseConditionalGet(MonitorEndpoints.CacheablePaths);
    }

    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder app) =>
        app.MapEvents().MapLogs().MapMonitorViews();
}
