using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>Operators steering the queue (admin token): cancel and retry builds, retry and unblock jobs, pause the swarm.</summary>
public static class QueueEndpoints
{
    public static IEndpointRouteBuilder MapQueueControl(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/gateway")
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().AdminToken, "admin token");
        admin.MapPost("/builds/{id}/cancel", async (string id, JobStore jobs, CancellationToken ct) => Answer(await jobs.CancelBuildAsync(id, ct)));
        admin.MapPost("/builds/{id}/retry", async (string id, JobStore jobs, CancellationToken ct) => Answer(await jobs.RetryBuildAsync(id, ct)));
        admin.MapPost("/jobs/{id:long}/retry", async (long id, JobStore jobs, CancellationToken ct) => Answer(await jobs.RetryJobAsync(id, ct)));
        admin.MapPost("/jobs/{id:long}/unblock", async (long id, JobStore jobs, CancellationToken ct) => Answer(await jobs.UnblockJobAsync(id, ct)));
        admin.MapPost("/swarm/pause", (DroneControls controls, JobTables queries, CancellationToken ct) => PauseAsync(true, controls, queries, ct));
        admin.MapPost("/swarm/resume", (DroneControls controls, JobTables queries, CancellationToken ct) => PauseAsync(false, controls, queries, ct));
        return app;
    }

    private static IResult Answer(QueueOutcome outcome) => outcome switch
    {
        { Reply: { } reply } => Results.Json(reply, SwarmJsonContext.Default.QueueActionReply),
        { Missing: { } missing } => Problems.NotFound(missing),
        _ => Problems.Conflict(outcome.Refused!),
    };

    private static async Task<IResult> PauseAsync(bool paused, DroneControls controls, JobTables queries, CancellationToken ct)
    {
        await controls.SetPausedAsync(paused, ct);
        var counts = await queries.CountJobsAsync(ct);
        var running = counts.GetValueOrDefault("leased") + counts.GetValueOrDefault("building") + counts.GetValueOrDefault("uploading");
        return Results.Json(new SwarmPauseReply(paused, running), SwarmJsonContext.Default.SwarmPauseReply);
    }
}
