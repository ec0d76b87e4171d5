using BuildSwarm.Configuration;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway;
using BuildSwarm.Http;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Fleet;

public static class OrchestratorEndpoints
{
    public static IEndpointRouteBuilder MapOrchestratorRegistry(this IEndpointRouteBuilder app)
    {
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

        group.MapPost("/{id}/sync", async (string id, HttpRequest request, FleetRegistry fleet, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.OrchestratorSync, ct);
            if (error is not null)
            {
                return error;
            }

            return await fleet.SyncAsync(id, body!, ct) ? Results.NoContent() : Problems.NotFound($"unknown orchestrator '{id}': register again");
        });

        return app;
    }
}
