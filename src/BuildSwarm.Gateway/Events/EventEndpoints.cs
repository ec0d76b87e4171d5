using System.Globalization;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Hosting;
using BuildSwarm.Hosting.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Events;

/// <summary><c>GET /api/gateway/events</c>: the event stream (SSE) with resume, or a JSON page of the history.</summary>
public static class EventEndpoints
{
    private const int Batch = 500;

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gateway/events", StreamAsync);
        app.MapGet("/api/swarm/events", StreamAsync);
        return app;
    }

    private static async Task<IResult> StreamAsync(HttpContext http, EventLog log, IOptions<GatewayOptions> options, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        // Last-Event-ID is what EventSource sends on reconnect; ?since= is for curl and first connects.
        var raw = http.Request.Headers["Last-Event-ID"].ToString();
        if (raw.Length == 0)
        {
            raw = http.Request.Query["since"].ToString();
        }

        long? since = null;
        if (raw.Length > 0)
        {
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.Invalid("since", "must be a non-negative event sequence number");
            }

            since = parsed;
        }

        var (oldest, last) = await log.RangeAsync(http.RequestAborted);
        if (http.Request.Query["format"] == "json")
        {
            var page = await log.ReadAfterAsync(since ?? 0, Batch, http.RequestAborted);
            return Results.Json(page, SwarmJsonContext.Default.IReadOnlyListSwarmEvent);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: do not hold events back
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var after = since ?? last;
        var heartbeat = TimeSpan.FromSeconds(Math.Max(0.05, options.Value.Events.HeartbeatSeconds));
        try
        {
            await WriteAsync(response, "retry: 2000\n\n", ct);
            if (since is { } from && oldest > from + 1)
            {
                var gap = SwarmEvents.Draft("history.gap", detail: $"events {from + 1} to {oldest - 1} are no longer kept");
                await WriteAsync(response, $"data: {JsonSerializer.Serialize(gap with { At = time.GetUtcNow() }, SwarmJsonContext.Default.SwarmEvent)}\n\n", ct);
            }

            while (!ct.IsCancellationRequested)
            {
                var next = log.Next;
                var events = await log.ReadAfterAsync(after, Batch, ct);
                if (events.Count > 0)
                {
                    var text = new StringBuilder();
                    foreach (var e in events)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"id: {e.Seq}\ndata: {JsonSerializer.Serialize(e, SwarmJsonContext.Default.SwarmEvent)}\n\n");
                        after = e.Seq;
                    }

                    await WriteAsync(response, text.ToString(), ct);
                    if (events.Count == Batch)
                    {
                        continue;
                    }
                }

                if (!await ChangeSignal.WaitAsync(next, heartbeat, time, ct))
                {
                    await WriteAsync(response, ": keep-alive\n\n", ct);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away or the gateway is stopping: the client resumes with Last-Event-ID.
        }

        return Results.Empty;
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
