using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting.Http;

using BuildSwarm.Remote;
namespace BuildSwarm.Gateway.Remote;

/// <summary><c>POST /api/command</c> (admin), <c>GET /api/gateway/alerts</c> and <c>GET /api/gateway/remote/routes</c>.</summary>
public static class RemoteEndpoints
{
    public static IEndpointRouteBuilder MapRemoteControl(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/command", RunAsync)
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().AdminToken, "admin token");

        // An orchestrator confirms each control order before queueing it: only orders the admin path issued pass.
        app.MapPost("/api/gateway/control/confirm", async (HttpRequest request, IssuedControlOrders issued, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.ControlDelivery, ct);
            if (error is not null)
            {
                return error;
            }

            return issued.Confirm(body!)
                ? Results.Json(new ControlDelivered(true, "issued by the gateway"), SwarmJsonContext.Default.ControlDelivered)
                : Problems.Status(StatusCodes.Status403Forbidden, "Not issued by the gateway",
                    $"control order '{body!.Order.Id}' for drone {body.DroneId} was not issued through the gateway's admin path (POST /api/command), or it was already used");
        }).RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().ClusterToken, "cluster token");

        app.MapGet("/api/gateway/alerts", (HttpRequest request, ControlEventLog log) =>
            Results.Json(log.Recent(alertsOnly: request.Query["all"] != "true"), SwarmJsonContext.Default.IReadOnlyListControlEvent));

        app.MapGet("/api/gateway/remote/routes", (RouteMemory memory) =>
            Results.Json(
                memory.All().Select(kv => new RemoteRouteView(kv.Key, kv.Value.Route.ToString(), kv.Value.CheckedAt)).OrderBy(r => r.Drone, StringComparer.Ordinal).ToList(),
                SwarmJsonContext.Default.IReadOnlyListRemoteRouteView));
        return app;
    }

    private static async Task<IResult> RunAsync(HttpRequest request, ControlDispatcher dispatcher, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.ControlCommand, ct);
        if (error is not null)
        {
            return error;
        }

        if (!ControlDispatcher.Actions.Contains(body!.Action ?? ""))
        {
            return Problems.Invalid("action", $"must be one of: {string.Join(", ", ControlDispatcher.Actions.Order(StringComparer.Ordinal))}");
        }

        if (string.IsNullOrWhiteSpace(body.Drone))
        {
            return Problems.Invalid("drone", "required: the drone's name");
        }

        try
        {
            return Results.Json(await dispatcher.RunAsync(body, ct), SwarmJsonContext.Default.ControlResult);
        }
        catch (ControlNotFoundException ex)
        {
            return Problems.NotFound(ex.Message);
        }
        catch (RemoteRefusedException ex)
        {
            return Problems.Conflict(ex.Message);
        }
        catch (Exception ex) when (ex is RemoteUnreachableException or RemoteCommandFailedException)
        {
            return Problems.Status(StatusCodes.Status502BadGateway, "Drone unreachable", ex.Message);
        }
    }
}
