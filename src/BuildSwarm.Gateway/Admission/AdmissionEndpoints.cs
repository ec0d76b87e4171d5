using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Admission;

/// <summary>
/// Drone admission on the gateway: orchestrators pass registrations on (cluster token); operators list
/// drones, approve, reject, revoke and rename them and create join tokens (admin token).
/// </summary>
public static class AdmissionEndpoints
{
    public static IServiceCollection AddAdmission(this IServiceCollection services) =>
        services.AddSingleton<JoinTokens>().AddSingleton<DroneAdmissions>();

    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/gateway/drones/admit", AdmitAsync)
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().ClusterToken, "cluster token");

        var drones = app.MapGroup("/api/gateway/drones")
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().AdminToken, "admin token");
        drones.MapGet("", async (DroneAdmissions admissions, FleetRegistry fleet, CancellationToken ct) =>
            Results.Json(await ListAsync(admissions, fleet, ct), SwarmJsonContext.Default.IReadOnlyListFleetDrone));
        drones.MapPost("/{id}/approve", (string id, DroneAdmissions admissions, FleetRegistry fleet, CancellationToken ct) =>
            DecideAsync(id, DroneAdmissionStates.Approved, admissions, fleet, ct));
        drones.MapPost("/{id}/reject", (string id, DroneAdmissions admissions, FleetRegistry fleet, CancellationToken ct) =>
            DecideAsync(id, DroneAdmissionStates.Rejected, admissions, fleet, ct));
        drones.MapPost("/{id}/revoke", (string id, DroneAdmissions admissions, FleetRegistry fleet, CancellationToken ct) =>
            DecideAsync(id, DroneAdmissionStates.Revoked, admissions, fleet, ct));
        drones.MapPost("/{id}/reset", async (string id, DroneAdmissions admissions, FleetRegistry fleet, CancellationToken ct) =>
        {
            var (drone, refusal) = await admissions.ResetAsync(id, ct);
            return await AnswerAsync(drone, refusal, fleet, ct);
        });
        drones.MapPost("/{id}/rename", async (string id, HttpRequest request, DroneAdmissions admissions, FleetRegistry fleet, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.DroneRename, ct);
            if (error is not null)
            {
                return error;
            }

            var (drone, refusal) = await admissions.RenameAsync(id, body!.Name ?? "", ct);
            return await AnswerAsync(drone, refusal, fleet, ct);
        });

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

    private static async Task<IResult> DecideAsync(string id, string state, DroneAdmissions admissions, FleetRegistry fleet, CancellationToken ct)
    {
        var (drone, refusal) = await admissions.DecideAsync(id, state, ct);
        return await AnswerAsync(drone, refusal, fleet, ct);
    }

    private static async Task<IResult> AnswerAsync(FleetDrone? drone, AdmissionRefusal? refusal, FleetRegistry fleet, CancellationToken ct)
    {
        if (refusal is not null)
        {
            return Problems.Status(refusal.Status, refusal.Title, refusal.Detail);
        }

        var live = await LiveAsync(fleet, ct);
        return Results.Json(WithLive(drone!, live), SwarmJsonContext.Default.FleetDrone);
    }

    /// <summary>Admission records with what the orchestrators last reported about each drone.</summary>
    public static async Task<IReadOnlyList<FleetDrone>> ListAsync(DroneAdmissions admissions, FleetRegistry fleet, CancellationToken ct)
    {
        var live = await LiveAsync(fleet, ct);
        return (await admissions.ListAsync(ct)).Select(d => WithLive(d, live)).ToList();
    }

    private static async Task<Dictionary<string, DroneView>> LiveAsync(FleetRegistry fleet, CancellationToken ct) =>
        fleet.Drones(await fleet.OrchestratorsAsync(ct)).ToDictionary(d => d.Id, StringComparer.Ordinal);

    private static FleetDrone WithLive(FleetDrone drone, Dictionary<string, DroneView> live) =>
        live.TryGetValue(drone.Id, out var view)
            ? drone with { State = view.State, Site = view.Site, LastSeen = view.LastSeen > drone.LastSeen ? view.LastSeen : drone.LastSeen }
            : drone with { State = "offline" };
}
