using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>How orchestrators take work from the gateway and report on it.</summary>
public static class LeaseEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(1);

    public static IEndpointRouteBuilder MapLeases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/gateway/jobs")
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().ClusterToken, "cluster token");

        group.MapPost("/lease", LeaseAsync);
        group.MapPost("/renew", async (HttpRequest request, JobStore jobs, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.LeaseRenewal, ct);
            return error ?? Results.Json(await jobs.RenewAsync(body!.LeaseIds ?? [], ct), SwarmJsonContext.Default.LeaseRenewalReply);
        });
        group.MapPost("/{id:long}/progress", async (long id, HttpRequest request, BuildProgress progress, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.JobProgress, ct);
            if (error is not null)
            {
                return error;
            }

            return await progress.ProgressAsync(id, body!.LeaseId, body.State, ct)
                ? Results.NoContent()
                : Problems.Conflict($"lease {body!.LeaseId} no longer holds job {id}");
        });
        group.MapPost("/{id:long}/fail", async (long id, HttpRequest request, JobFailures failures, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.JobFailure, ct);
            if (error is not null)
            {
                return error;
            }

            return await failures.FailAsync(id, body!, ct) is not null
                ? Results.NoContent()
                : Problems.Conflict($"lease {body!.LeaseId} no longer holds job {id} (it expired or was revoked); the failure was dropped and not counted");
        });
        return app;
    }

    /// <summary>Long-polls up to <c>wait</c> seconds for a ready job, so idle drones get work the moment it appears.</summary>
    private static async Task<IResult> LeaseAsync(HttpRequest request, JobStore jobs, ChangeSignal signal, FleetRegistry fleet, DroneAdmissions admissions, TimeProvider time, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.LeaseRequest, ct);
        if (error is not null)
        {
            return error;
        }

        if (body!.Targets is { } targets && (targets.Count > BuildRequestValidator.MaxTargets || targets.Any(t => t is null || !BuildRequestValidator.IsName(t))))
        {
            return Problems.Invalid("targets", $"at most {BuildRequestValidator.MaxTargets} target names (letters, digits, '.', '_', '-')");
        }

        if (!await fleet.IsKnownAsync(body.OrchestratorId, ct))
        {
            return Problems.NotFound($"unknown orchestrator '{body.OrchestratorId}': register again");
        }

        var wait = TimeSpan.FromSeconds(Math.Clamp(int.TryParse(request.Query["wait"], out var w) ? w : 0, 0, (int)MaxWait.TotalSeconds));
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            // Woken by job changes, and at least every second: the plan may move work to this drone as drones come and go.
            var remaining = deadline - time.GetUtcNow();
            var waiter = signal.WaitAsync(remaining > RecheckEvery ? RecheckEvery : remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time, ct);
            if (await admissions.RefusalForWorkAsync(body.DroneId, ct) is { } refusal)
            {
                // Checked on every wakeup: a drone rejected during a long poll gets nothing more.
                return Problems.Status(StatusCodes.Status403Forbidden, "Drone may not work", refusal);
            }

            var leases = await jobs.LeaseAsync(body, ct);
            if (leases.Count > 0 || time.GetUtcNow() >= deadline)
            {
                return Results.Json(new LeaseReply(leases), SwarmJsonContext.Default.LeaseReply);
            }

            await waiter;
        }
    }
}
