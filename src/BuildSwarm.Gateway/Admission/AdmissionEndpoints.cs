using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Admission;

/// <summary>
/// Drone admission on the gateway: orchestrators pass registrations on (cluster token); operators create
/// join tokens (admin token). Operators' decisions on drones are in <c>Fleet/FleetDroneEndpoints</c>.
/// </summary>
public static class AdmissionEndpoints
{
    public static IServiceCollection AddAdmission(this IServiceCollection services) =>
        services.AddSingleton<JoinTokens>().AddSingleton<DroneAdmissions>();

    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/gateway/drones/admit", AdmitAsync)
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().ClusterToken, "cluster token");

        var tokens = app.MapGroup("/api/gateway/join-tokens")
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().AdminToken, "admin token");
        tokens.MapPost("", async (HttpRequest request, JoinTokens joinTokens, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.JoinTokenRequest, ct);
            if (error is not null)
            {
                return error;
            }

            if (body!.ExpiresInSeconds is < 1 or > 10L * 366 * 24 * 3600)
            {
                return Problems.Invalid("expiresInSeconds", "between 1 second and 10 years, or absent for a token that does not expire");
            }

            if (body.Note is { Length: > 200 })
            {
                return Problems.Invalid("note", "at most 200 characters");
            }

            var created = await joinTokens.CreateAsync(body, ct);
            return Results.Json(created, SwarmJsonContext.Default.JoinTokenCreated, statusCode: StatusCodes.Status201Created);
        });
        tokens.MapGet("", async (JoinTokens joinTokens, CancellationToken ct) =>
            Results.Json(await joinTokens.ListAsync(ct), SwarmJsonContext.Default.IReadOnlyListJoinTokenView));
        tokens.MapPost("/{id}/revoke", async (string id, JoinTokens joinTokens, CancellationToken ct) =>
            await joinTokens.RevokeAsync(id, ct) ? Results.NoContent() : Problems.NotFound($"no join token has the id '{id}'"));
        return app;
    }

    private static async Task<IResult> AdmitAsync(HttpRequest request, DroneAdmissions admissions, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.DroneAdmissionRequest, ct);
        if (error is not null)
        {
            return error;
        }

        var (admission, refusal) = await admissions.AdmitAsync(body!, ct);
        return refusal is not null
            ? Problems.Status(refusal.Status, refusal.Title, refusal.Detail)
            : Results.Json(admission!, SwarmJsonContext.Default.DroneAdmission);
    }
}
