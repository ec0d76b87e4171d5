using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Scheduling;

/// <summary>The fleet as the scheduler sees it, and draining drones (<c>/api/gateway/drones</c>).</summary>
public static class DroneControlEndpoints
{
    public static IEndpointRouteBuilder MapDroneControls(this IEndpointRouteBuilder app)
    {
        // The drone list itself is admission's (GET /api/gateway/drones); the live view with drain and
        // grounding states is in /api/gateway/status.
        var admin = app.MapGroup("/api/gateway/drones/{name}")
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().AdminToken, "admin token");
        admin.MapPost("/drain", (string name, FleetRegistry fleet, DroneControls controls, CancellationToken ct) => SetAsync(name, true, fleet, controls, ct));
        admin.MapPost("/undrain", (string name, FleetRegistry fleet, DroneControls controls, CancellationToken ct) => SetAsync(name, false, fleet, controls, ct));
        return app;
    }

    private static async Task<IResult> SetAsync(string key, bool drained, FleetRegistry fleet, DroneControls controls, CancellationToken ct)
    {
        var drones = fleet.Drones(await fleet.OrchestratorsAsync(ct));
        // {name} is a drone's name or its id; a drained drone that went away can still be undrained by name.
        var name = drones.Any(d => d.Name == key) ? key : drones.FirstOrDefault(d => d.Id == key)?.Name ?? key;
        if (!drones.Any(d => d.Name == name) && !controls.IsDrained(name))
        {
            return Problems.NotFound($"no drone with the name or id '{key}' is connected; see 'build-swarm drones list'");
        }

        await controls.SetDrainedAsync(name, drained, ct);
        var state = controls.Apply(drones.Where(d => d.Name == name).ToList()) is [var view, ..] ? view.State : drained ? "drained" : "offline";
        return Results.Json(new DroneDrainReply(name, drained, state), SwarmJsonContext.Default.DroneDrainReply);
    }
}
