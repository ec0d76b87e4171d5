using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Fleet;

/// <summary>
/// The operator's drone list (admission records with what the orchestrators last reported) and the decisions on
/// one drone: approve, reject, revoke, rename (admin token).
/// </summary>
public static class FleetDroneEndpoints
{
    public static IEndpointRouteBuilder MapFleetDrones(this IEndpointRouteBuilder app)
    {
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
        return app;
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
