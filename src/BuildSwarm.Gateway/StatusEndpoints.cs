using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Gateway.Jobs;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway;

public static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gateway/status", StatusAsync);
        app.MapGet("/api/swarm/status", StatusAsync);
        return app;
    }

    /// <summary>The status for everyone; drone addresses (the SSH targets) only for the admin token.</summary>
    private static async Task<IResult> StatusAsync(HttpContext http, FleetRegistry fleet, JobTables queries, BuildVerdicts builds, PackageTables packages, DroneControls controls,
        GatewaySecrets secrets, CancellationToken ct)
    {
        var status = await BuildAsync(fleet, queries, builds, packages, controls, ct);
        http.Response.Headers.Vary = "Authorization";
        if (!BearerToken.Matches(BearerToken.From(http.Request), secrets.AdminToken))
        {
            status = status with { Drones = status.Drones.Select(DroneViews.WithoutAddresses).ToList() };
        }

        return Results.Json(status, SwarmJsonContext.Default.SwarmStatus);
    }

    public static async Task<SwarmStatus> BuildAsync(FleetRegistry fleet, JobTables queries, BuildVerdicts builds, PackageTables packages, DroneControls controls, CancellationToken cancellationToken)
    {
        var orchestrators = await fleet.OrchestratorsAsync(cancellationToken);
        var drones = controls.Apply(fleet.Drones(orchestrators));
        // Cores that can build or are building: draining and grounded drones still hold cores; pending, rejected and offline ones do not.
        var online = drones.Where(d => d.State is "online" or "building" or "draining" or "drained" or "grounded").ToList();
        var packageCount = await packages.CountAsync(cancellationToken);
        return new SwarmStatus(
            SwarmVersion.Current,
            online.Sum(d => d.Cores),
            online.Count,
            drones,
            orchestrators,
            await queries.CountJobsAsync(cancellationToken),
            await builds.ListAsync(10, cancellationToken),
            packageCount,
            fleet.Sites(orchestrators),
            controls.IsPaused);
    }
}
