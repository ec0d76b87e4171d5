using System.Net;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Hosting.Http;
using BuildSwarm.Hosting.Network;
using BuildSwarm.Orchestrator.Control;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator;

/// <summary>The API drones of this site talk to.</summary>
public static class DroneEndpoints
{
    private const int MaxWaitSeconds = 20;

    /// <summary>This host's addresses, sent with every admission so the gateway never records one of them as a drone's.</summary>
    private static readonly Lazy<IReadOnlyList<string>> OwnAddresses = new(LocalAddresses.AllAsText);

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

            if (DroneAdmissionStates.IsRefused(record.State))
            {
                return Problems.Status(StatusCodes.Status403Forbidden, $"Drone {record.State}",
                    $"drone '{record.Name}' ({record.Id}) was {record.State} by an operator on the gateway; it gets no work and may not report");
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
            drones.Touch(record, body!.LeaseIds, body.Load1, body.Held);
            (record.Watts, record.PowerSource) = (body.Watts, body.PowerSource);
            var control = http.RequestServices.GetRequiredService<ControlOrders>().Take(record.Id);
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

            if (HeldByAnother(drones, Current(http), body.LeaseId, jobId) is { } refused)
            {
                return refused;
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

            if (HeldByAnother(drones, Current(http), body!.LeaseId, jobId) is { } refused)
            {
                return refused;
            }

            drones.RemoveLease(Current(http), body.LeaseId);
            return Forwarded(await gateway.ForwardAsync($"api/gateway/jobs/{jobId}/fail", body, SwarmJsonContext.Default.JobFailure, ct));
        });

        return app;
    }

    /// <summary>
    /// Passes the registration to the gateway, which alone admits drones. The drone's bearer secret is its
    /// credential once it has one, else a join token; the source address is recorded beside what it reports.
    /// </summary>
    private static async Task<IResult> RegisterAsync(HttpContext http, DroneRegistry drones, GatewayClient gateway, IOptions<OrchestratorOptions> options, CancellationToken ct)
    {
        var secret = BearerToken.From(http.Request);
        if (string.IsNullOrEmpty(secret))
        {
            return Problems.Unauthorized("missing bearer token: a drone registers with 'Authorization: Bearer <join token or drone credential>'");
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

        if (body.Targets is { } targets && (targets.Count is 0 or > TargetNames.MaxPerDrone || !targets.All(t => t is not null && TargetNames.IsValid(t))))
        {
            return Problems.Invalid("targets", $"1 to {TargetNames.MaxPerDrone} target names (letters, digits, '.', '_', '-'), or leave it out to take any target");
        }

        if (body.Addresses is { Count: > 64 })
        {
            return Problems.Invalid("addresses", "at most 64 addresses");
        }

        var o = options.Value;
        var observed = http.Connection.RemoteIpAddress is { } remote ? Core.Fleet.AddressPreference.Normalize(remote).ToString() : null;
        (DroneAdmission? Admission, int Status, string Title, string Detail) answer;
        try
        {
            answer = await gateway.AdmitAsync(new DroneAdmissionRequest(body, secret, observed, OwnAddresses.Value, o.Site, gateway.OrchestratorId), ct);
        }
        catch (HttpRequestException ex)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Gateway unavailable", $"cannot ask the gateway to admit this drone: {ex.Message}");
        }

        if (answer.Admission is not { } admission)
        {
            return Problems.Status(answer.Status, answer.Title, answer.Detail);
        }

        var record = drones.Register(body, admission);
        return Results.Json(new DroneRegistered(record.Id, record.Token, o.GatewayUrl, Math.Max(1, o.SyncSeconds), admission.State, admission.Credential, admission.Name),
            SwarmJsonContext.Default.DroneRegistered);
    }

    /// <summary>Long-polls the gateway for one job for this drone; 204 when there is none.</summary>
    private static async Task<IResult> WorkAsync(HttpContext http, GatewayClient gateway, DroneRegistry drones, CancellationToken ct)
    {
        if (gateway.OrchestratorId is not { } orchestratorId)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Not connected", "this orchestrator is not registered with the gateway yet");
        }

        var record = Current(http);
        if (record.State != DroneAdmissionStates.Approved)
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "Pending approval",
                $"drone '{record.Name}' ({record.Id}) waits for an operator: 'build-swarm drones approve {record.Id}' on the gateway");
        }

        var wait = Math.Clamp(int.TryParse(http.Request.Query["wait"], out var w) ? w : 0, 0, MaxWaitSeconds);
        IReadOnlyList<JobLease> leases;
        try
        {
            var drone = record.Registration;
            leases = await gateway.LeaseAsync(new LeaseRequest(orchestratorId, record.Id, record.Name, Targets: drone.Targets, Role: drone.Role, Cores: drone.Cores, Slots: drone.Slots), wait, ct);
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

    /// <summary>
    /// A drone reports only on its own leases: one another drone of this site holds is refused, so knowing a lease id
    /// is not enough to fail or move someone else's job. A lease no drone here holds (brought from another
    /// orchestrator) is left to the gateway, which knows every lease it gave.
    /// </summary>
    private static IResult? HeldByAnother(DroneRegistry drones, DroneRecord caller, string leaseId, long jobId) =>
        drones.HolderOf(leaseId) is { } holder && holder != caller
            ? Problems.Status(StatusCodes.Status403Forbidden, "Not your lease", $"lease {leaseId} of job {jobId} is held by another drone; drone {caller.Id} may not report on it")
            : null;

    private static DroneRecord Current(HttpContext http) => (DroneRecord)http.Items[typeof(DroneRecord)]!;

    /// <summary>The gateway's answer, its problem detail included, so the drone learns why (e.g. a stale lease).</summary>
    private static IResult Forwarded((HttpStatusCode Status, string? Detail) answer) =>
        (int)answer.Status < 300
            ? Results.NoContent()
            : Problems.Status((int)answer.Status, "Gateway refused", answer.Detail ?? $"the gateway answered {(int)answer.Status}");
}
