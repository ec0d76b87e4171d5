using System.Globalization;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Jobs;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using BuildSwarm.Hosting.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Logs;

/// <summary>
/// Build logs: drones POST chunks with their lease id as the credential (like uploads); anyone who
/// may read the status may read a log, as plain text from an offset, long-polled, or followed over SSE.
/// </summary>
public static class LogEndpoints
{
    public const string OffsetHeader = "X-Log-Offset";
    public const string StateHeader = "X-Job-State";
    private const int MaxChunk = 1024 * 1024;
    private const int MaxWaitSeconds = 25;

    public static IEndpointRouteBuilder MapLogs(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/gateway/jobs/{id:long}/log", AppendAsync);
        app.MapGet("/api/gateway/jobs/{id:long}/log", ReadAsync);
        app.MapGet("/api/swarm/jobs/{id:long}/log", ReadAsync);
        return app;
    }

    private static async Task<IResult> AppendAsync(long id, HttpContext http, JobStore jobs, LogStore logs, CancellationToken ct)
    {
        var request = http.Request;
        var leaseId = request.Query["lease"].ToString() is { Length: > 0 } q ? q : request.Headers["X-Lease-Id"].ToString();
        if (leaseId.Length == 0)
        {
            return Problems.Unauthorized("missing ?lease=: log chunks need the lease of the job");
        }

        if (!long.TryParse(request.Query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return Problems.Invalid("offset", "required: the byte offset of this chunk in the drone's log, a non-negative integer");
        }

        if (request.ContentLength > MaxChunk)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"a log chunk may have at most {MaxChunk} bytes");
        }

        if (await jobs.FindUploadClaimAsync(id, leaseId, ct) is null)
        {
            return Problems.Unauthorized($"lease '{leaseId}' was never given for job {id}");
        }

        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxChunk)
            {
                return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"a log chunk may have at most {MaxChunk} bytes");
            }

            body.Write(buffer, 0, read);
        }

        var result = await logs.AppendAsync(id, leaseId, offset, body.GetBuffer().AsMemory(0, (int)body.Length), ct);
        http.Response.Headers[OffsetHeader] = result.NextOffset.ToString(CultureInfo.InvariantCulture);
        return result.Accepted
            ? Results.NoContent()
            : Problems.Conflict($"the gateway has {result.NextOffset} bytes of this attempt's log; send from offset {result.NextOffset}");
    }

    private static async Task<IResult> ReadAsync(long id, HttpContext http, LogStore logs, EventLog events, JobTables db, TimeProvider time,
        IOptions<GatewayOptions> options, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var query = http.Request.Query;
        long offset = 0;
        if (query["offset"].Count > 0 && !long.TryParse(query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return Problems.Invalid("offset", "must be a non-negative integer");
        }

        var job = await db.LogInfoAsync(id, ct);
        if (job is null)
        {
            return Problems.NotFound($"no job {id}");
        }

        var sse = query["follow"] is { Count: > 0 } f && f != "false" || http.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal);
        if (sse)
        {
            if (long.TryParse(http.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var resume))
            {
                offset = resume;
            }

            await FollowAsync(id, offset, http, logs, events, db, time, options.Value.Events.HeartbeatSeconds, lifetime.ApplicationStopping);
            return Results.Empty;
        }

        var wait = TimeSpan.FromSeconds(Math.Clamp(int.TryParse(query["wait"], out var w) ? w : 0, 0, MaxWaitSeconds));
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var next = Task.WhenAny(logs.Signal(id).Next, events.Next); // new bytes, or the job may have ended
            var (bytes, length) = await logs.ReadAsync(id, offset, MaxChunk, ct);
            job = await db.LogInfoAsync(id, ct) ?? job;
            if (length == 0 && offset == 0 && job.LogTail is { } tail && LogEnded(job.State))
            {
                bytes = Encoding.UTF8.GetBytes(tail + "\n"); // the drone could not ship it: the tail it reported with the failure
            }

            var remaining = deadline - time.GetUtcNow();
            if (bytes.Length > 0 || LogEnded(job.State) || remaining <= TimeSpan.Zero)
            {
                http.Response.Headers[OffsetHeader] = (offset + bytes.Length).ToString(CultureInfo.InvariantCulture);
                http.Response.Headers[StateHeader] = job.State.ToWire();
                http.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, "text/plain; charset=utf-8");
            }

            await ChangeSignal.WaitAsync(next, remaining, time, ct);
        }
    }

    private static async Task FollowAsync(long id, long offset, HttpContext http, LogStore logs, EventLog events, JobTables db, TimeProvider time, double heartbeatSeconds, CancellationToken stopping)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = stop.Token;
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var heartbeat = TimeSpan.FromSeconds(Math.Max(0.05, heartbeatSeconds));
        try
        {
            await response.WriteAsync("retry: 2000\n\n", ct);
            while (!ct.IsCancellationRequested)
            {
                var next = Task.WhenAny(logs.Signal(id).Next, events.Next);
                var state = (await db.LogInfoAsync(id, ct))?.State ?? JobState.Broken;
                var (bytes, _) = await logs.ReadAsync(id, offset, 64 * 1024, ct);
                if (bytes.Length > 0)
                {
                    var chunk = JsonSerializer.Serialize(new LogChunk(offset, Encoding.UTF8.GetString(bytes), null), LogJsonContext.Default.LogChunk);
                    offset += bytes.Length;
                    await response.WriteAsync($"id: {offset}\ndata: {chunk}\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }

                if (LogEnded(state))
                {
                    var end = JsonSerializer.Serialize(new LogChunk(offset, "", state.ToWire()), LogJsonContext.Default.LogChunk);
                    await response.WriteAsync($"data: {end}\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    return;
                }

                if (!await ChangeSignal.WaitAsync(next, heartbeat, time, ct))
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The reader left, or the gateway is stopping; the reader resumes from the last id.
        }
    }

    /// <summary>The log of the current attempt is complete: the job is final, or its attempt failed and it waits for another drone or a sweeper.</summary>
    private static bool LogEnded(JobState state) => state.IsFinal() || state is JobState.Failed or JobState.Stuck;

}
