using BuildSwarm.Hosting;
using BuildSwarm.Orchestrator.Control;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator;

/// <summary>The orchestrator role: one per site, between the gateway and the site's drones.</summary>
public static class OrchestratorServer
{
    public static WebApplication Create(OrchestratorOptions options, ILoggerProvider? logs = null)
    {
        var builder = RoleHost.CreateBuilder(options.Listen, logs);
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(new OrchestratorAddress(options));
        builder.Services.AddSingleton<DroneRegistry>();
        builder.Services.AddSingleton(sp => new GatewayClient(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }),
            sp.GetRequiredService<IOptions<OrchestratorOptions>>()));
        builder.Services.AddHostedService<GatewaySync>();
        builder.Services.AddSingleton<ControlOrders>();

        var app = builder.Build();
        app.UseRoleDefaults();
        SiteMetrics.Register(app.Services.GetRequiredService<Prometheus.CollectorRegistry>(), app.Services.GetRequiredService<DroneRegistry>());
        app.MapDrones();
        app.MapControlDelivery();
        app.MapGet("/api/orchestrator/status", (DroneRegistry drones) =>
            Results.Json(new Core.Contracts.OrchestratorSync(drones.Views()), Core.Contracts.SwarmJsonContext.Default.OrchestratorSync));
        return app;
    }
}
