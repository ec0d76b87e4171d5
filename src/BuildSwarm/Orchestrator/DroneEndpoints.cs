using System.Net;
using BuildSwarm.Configuration;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Http;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator;

/// <summary>The API drones of this site talk to.</summary>
public static class DroneEndpoints
{
    private const int MaxWaitSeconds = 20;

    public static IEndpointRouteBuilder MapDrones(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orchestrator/drones/register", RegisterAsync);

        var drone = app.MapGroup("/api/orchestrator/drones/{id}").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var id = http.GetRouteValue("id") as string ?? "";
            var record = http.RequestServices.GetRequiredService<DroneRegistry>().Authenticate(id, BearerToken.From(http.Request));
            if (record is null)
            {
                return Problems.Unauthorized($"drone '{id}' is not registered here or its token is wrong: register again");
            }

            http.Items[typeof(DroneRecord)] = record;
            return await next(context);
        });

        drone.MapPost("/heartbeat", async (HttpContext http, DroneRegistry drones, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(http.Request, SwarmJsonContext.Default.DroneHeartbeat, ct);
            if (error is not null)
            {
                return error;
            }

            var record = Current(http);
            drones.Touch(record, body!.LeaseIds, body.Load1);
            var control = http.RequestServices.GetRequiredService<Remote.ControlOrders>().Take(record.Id);
            return Results.Json(new DroneHeartbeatReply(drones.RevokedAmong(body.LeaseIds), control), SwarmJsonContext.Default.DroneHeartbeatReply);
        });

        drone.MapPost("/work", WorkAsync);

        drone.MapPost("/jobs/{jobId:long}/progress", async (long jobId, HttpContext http, GatewayClient gateway, DroneRegistry drones, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(http.Request, SwarmJsonContext.Default.JobProgress, ct);
            if (error is not null)
            {
                return error;
            }

            if (body!.State == JobState.Done)
            {
                drones.RemoveLease(Current(http), body.LeaseId);
                return Results.NoContent();
            }

            return Forwarded(await gateway.ForwardAsync($"api/gateway/jobs/{jobId}/progress", body, SwarmJsonContext.Default.JobProgress, ct));
        });

        drone.MapPost("/jobs/{jobId:long}/fail", async (long jobId, HttpContext http, GatewayClient gateway, DroneRegistry drones, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(http.Request, SwarmJsonContext.Default.JobFailure, ct);
            if (error is not null)
            {
                return error;
            }

            drones.RemoveLease(Current(http), body!.LeaseId);
            return Forwarded(await gateway.ForwardAsync($"api/gateway/jobs/{jobId}/fail", body, SwarmJsonContext.Default.JobFailure, ct));
        });

        return app;
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, DroneRegistry drones, IOptions<OrchestratorOptions> options, CancellationToken ct)
    {
        var expected = options.Value.JoinToken ?? options.Value.GatewayToken;
        if (!BearerToken.Matches(BearerToken.From(http.Request), expected))
        {
            return Problems.Unauthorized("the join token is missing or not valid");
        }

        var (body, error) = await JsonBody.ReadAsync(http.Request, SwarmJsonContext.Default.DroneRegistration, ct);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 128)
        {
            return Problems.Invalid("name", "required, at most 128 characters");
        }

        if (body.Cores < 1 || body.Slots < 1)
        {
            return Problems.Invalid(body.Cores < 1 ? "cores" : "slots", "must be at least 1");
        }

        var record = drones.Register(body, http.Connection.RemoteIpAddress?.ToString());
        var o = options.Value;
        return Results.Json(new DroneRegistered(record.Id, record.Token, o.GatewayUrl, Math.Max(1, o.SyncSeconds)), SwarmJsonContext.Default.DroneRegistered);
    }

    /// <summary>Long-polls the gateway for one job for this drone; 204 when there is none.</summary>
    private static async Task<IResult> WorkAsync(HttpContext http, GatewayClient gateway, DroneRegistry drones, CancellationToken ct)
    {
        if (gateway.OrchestratorId is not { } orchestratorId)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Not connected", "this orchestrator is not registered with the gateway yet");
        }

        var record = Current(http);
        var wait = Math.Clamp(int.TryParse(http.Request.Query["wait"], out var w) ? w : 0, 0, MaxWaitSeconds);
        IReadOnlyList<JobLease> leases;
        try
        {
            leases = await gateway.LeaseAsync(new LeaseRequest(orchestratorId, record.Id, record.Registration.Name), wait, ct);
        }
        catch (HttpRequestException ex)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Gateway unavailable", ex.Message);
        }

        if (leases.Count == 0)
        {
            return Results.NoContent();
        }

        drones.AddLease(record, leases[0]);
        return Results.Json(leases[0], SwarmJsonContext.Default.JobLease);
    }

    private static DroneRecord Current(HttpContext http) => (DroneRecord)http.Items[typeof(DroneRecord)]!;

    private static IResult Forwarded(HttpStatusCode status) =>
        (int)status < 300 ? Results.NoContent() : Problems.Status((int)status, "Gateway refused", $"the gateway answered {(int)status}");
}
