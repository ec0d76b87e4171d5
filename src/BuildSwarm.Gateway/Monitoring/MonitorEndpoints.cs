using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Energy;
using BuildSwarm.Gateway.Jobs;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Monitoring;

/// <summary>Read-only views for the dashboard and scripts, and their v3 aliases under <c>/api/swarm/</c>.</summary>
public static class MonitorEndpoints
{
    /// <summary>Read-only JSON views that get an ETag and <c>Cache-Control: no-cache</c>.</summary>
    public static readonly string[] CacheablePaths =
    [
        "/api/gateway/status", "/api/swarm/status", "/api/gateway/builds", "/api/swarm/builds",
        "/api/gateway/monitor", "/api/swarm/monitor", "/api/gateway/energy", "/api/swarm/energy",
    ];

    public static IEndpointRouteBuilder MapMonitorViews(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/api/gateway", "/api/swarm" })
        {
            app.MapGet($"{prefix}/monitor", async (MonitorQueries monitor, CancellationToken ct) =>
                Results.Json(await monitor.GetAsync(ct), SwarmJsonContext.Default.MonitorView));
            app.MapGet($"{prefix}/energy", (EnergyLedger energy) => Results.Json(energy.View(50), SwarmJsonContext.Default.EnergyView));
        }

        // The v3 names of the gateway's build views; /api/swarm/status is mapped with the status itself.
        app.MapGet("/api/swarm/builds", async (BuildVerdicts builds, CancellationToken ct) =>
            Results.Json(await builds.ListAsync(50, ct), SwarmJsonContext.Default.IReadOnlyListBuildSummary));
        app.MapGet("/api/swarm/builds/{id}", async (string id, BuildVerdicts builds, CancellationToken ct) =>
            await builds.GetAsync(id, ct) is { } build
                ? Results.Json(build, SwarmJsonContext.Default.BuildView)
                : Problems.NotFound($"no build '{id}'"));
        return app;
    }
}
