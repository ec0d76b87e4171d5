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
        // The v3 peer's words for the same switch: a paused drone finishes what it has and takes nothing new.
        admin.MapPost("/pause", (string name, FleetRegistry fleet, DroneControls controls, CancellationToken ct) => SetAsync(name, true, fleet, controls, ct));
        admin.MapPost("/resume", (string name, FleetRegistry fleet, DroneControls controls, CancellationToken ct) => SetAsync(name, false, fleet, controls, ct));
        admin.MapPost("/limit", LimitAsync);
        return app;
    }

    private static async Task<IResult> LimitAsync(string name, HttpRequest request, FleetRegistry fleet, DroneControls controls, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.DroneLimitRequest, ct);
        if (error is not null)
        {
            return error;
        }

        if (body!.Cores is < 1 or > 4096)
        {
            return Problems.Invalid("cores", "between 1 and 4096, or null to lift the limit");
        }

        var drones = fleet.Drones(await fleet.OrchestratorsAsync(ct));
        var resolved = drones.Any(d => d.Name == name) ? name : drones.FirstOrDefault(d => d.Id == name)?.Name;
        if (resolved is null && controls.CoreLimit(name) is null)
        {
            return Problems.NotFound($"no drone with the name or id '{name}' is connected; see 'build-swarm drones list'");
        }

        resolved ??= name;
        await controls.SetCoreLimitAsync(resolved, body.Cores, ct);
        var state = controls.Apply(drones.Where(d => d.Name == resolved).ToList()) is [var view, ..] ? view.State : "offline";
        return Results.Json(new DroneLimitReply(resolved, body.Cores, state), SwarmJsonContext.Default.DroneLimitReply);
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
