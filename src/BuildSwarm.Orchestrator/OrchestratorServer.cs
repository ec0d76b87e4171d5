using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting;
using BuildSwarm.Hosting.Http;
using BuildSwarm.Orchestrator.Control;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator;

/// <summary>The orchestrator role: one per site, between the gateway and the site's drones.</summary>
public static class OrchestratorServer
{
    public static WebApplication Create(OrchestratorOptions options, ILoggerProvider? logs = null)
    {
        var builder = RoleHost.CreateBuilder(options.Listen, logs, options.Security);
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
        // Drone addresses are SSH targets: only for the cluster token (the gateway, an operator with it), not for everyone.
        app.MapGet("/api/orchestrator/status", (HttpRequest request, DroneRegistry drones, IOptions<OrchestratorOptions> settings) =>
        {
            var views = drones.Views();
            if (!BearerToken.Matches(BearerToken.From(request), settings.Value.GatewayToken))
            {
                views = views.Select(DroneViews.WithoutAddresses).ToList();
            }

            request.HttpContext.Response.Headers.Vary = "Authorization";
            return Results.Json(new OrchestratorSync(views), SwarmJsonContext.Default.OrchestratorSync);
        });
        return app;
    }
}
