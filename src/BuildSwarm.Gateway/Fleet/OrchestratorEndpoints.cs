using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting.Http;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Fleet;

public static class OrchestratorEndpoints
{
    /// <summary>How long drones and the CLI may keep a discovery answer.</summary>
    public const int DiscoveryCacheSeconds = 60;

    public static IEndpointRouteBuilder MapOrchestratorRegistry(this IEndpointRouteBuilder app)
    {
        // Discovery is open: drones ask before they have any credential, and it only says where orchestrators are.
        app.MapGet("/api/gateway/orchestrators", async (HttpContext http, FleetRegistry fleet, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = $"public, max-age={DiscoveryCacheSeconds}";
            return Results.Json(fleet.Directory(await fleet.OrchestratorsAsync(ct), DiscoveryCacheSeconds), SwarmJsonContext.Default.OrchestratorDirectory);
        });

        var group = app.MapGroup("/api/gateway/orchestrators")
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().ClusterToken, "cluster token");

        group.MapPost("/register", async (HttpRequest request, FleetRegistry fleet, IOptions<GatewayOptions> options, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.OrchestratorRegistration, ct);
            if (error is not null)
            {
                return error;
            }

            if (string.IsNullOrWhiteSpace(body!.Name) || !Uri.TryCreate(body.Url, UriKind.Absolute, out _))
            {
                return Problems.Invalid(string.IsNullOrWhiteSpace(body.Name) ? "name" : "url", "required: a name and an absolute URL");
            }

            var id = await fleet.RegisterAsync(body, ct);
            return Results.Json(new OrchestratorRegistered(id, options.Value.LeaseSeconds), SwarmJsonContext.Default.OrchestratorRegistered);
        });

        group.MapPost("/{id}/sync", async (string id, HttpRequest request, FleetRegistry fleet, DroneAdmissions admissions, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.OrchestratorSync, ct);
            if (error is not null)
            {
                return error;
            }

            if (!await fleet.SyncAsync(id, body!, ct))
            {
                return Problems.NotFound($"unknown orchestrator '{id}': register again");
            }

            // Operators decide on the gateway; each sync carries their decisions back to the drones' orchestrator.
            var decisions = await admissions.DecisionsAsync(body!.Drones.Select(d => d.Id), ct);
            return Results.Json(new OrchestratorSyncReply(decisions), SwarmJsonContext.Default.OrchestratorSyncReply);
        });

        return app;
    }
}
