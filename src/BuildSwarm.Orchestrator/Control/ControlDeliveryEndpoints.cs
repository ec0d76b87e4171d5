using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting.Http;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator.Control;

/// <summary>
/// <c>POST /api/orchestrator/control</c>: the gateway (cluster token) hands a control order to one of this site's drones.
/// The cluster token alone is not enough: every order is confirmed with the gateway, which issues orders only
/// through its admin path and its reboot policy.
/// </summary>
public static class ControlDeliveryEndpoints
{
    private const int MaxWaitSeconds = 60;

    public static IEndpointRouteBuilder MapControlDelivery(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orchestrator/control", async (HttpRequest request, DroneRegistry drones, ControlOrders queue, GatewayClient gateway, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.ControlDelivery, ct);
            if (error is not null)
            {
                return error;
            }

            (bool Confirmed, string Detail) confirmation;
            try
            {
                confirmation = await gateway.ConfirmControlAsync(body!, ct);
            }
            catch (HttpRequestException ex)
            {
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Gateway unavailable", $"cannot confirm the control order with the gateway: {ex.Message}");
            }

            if (!confirmation.Confirmed)
            {
                return Problems.Status(StatusCodes.Status403Forbidden, "Control order not confirmed", confirmation.Detail);
            }

            if (!drones.Views().Any(d => d.Id == body!.DroneId && d.State != "offline"))
            {
                return Results.Json(new ControlDelivered(false, $"drone {body!.DroneId} is not heartbeating here"), SwarmJsonContext.Default.ControlDelivered);
            }

            var wait = TimeSpan.FromSeconds(Math.Clamp(body!.WaitSeconds, 1, MaxWaitSeconds));
            var delivered = await queue.DeliverAsync(body.DroneId, body.Order, wait, ct);
            return Results.Json(
                new ControlDelivered(delivered, delivered ? "taken in a heartbeat reply" : $"no heartbeat within {wait.TotalSeconds:0}s"),
                SwarmJsonContext.Default.ControlDelivered);
        }).RequireToken(sp => sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value.GatewayToken, "cluster token");
        return app;
    }
}
