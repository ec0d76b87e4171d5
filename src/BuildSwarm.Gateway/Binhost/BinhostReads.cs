using System.Globalization;
using BuildSwarm.Hosting.Http;
using Microsoft.Net.Http.Headers;
using Prometheus;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Binhost reads (GET and HEAD below <c>/binhost/</c>) answered at the front of the pipeline, as a static file server
/// sits in front of an application. They are what every Gentoo client fetches, many times a second when a fleet
/// updates; routing, the problem-details pages and the per-route HTTP metrics would cost as much as serving the
/// index from memory, so reads skip them and count themselves in <c>buildswarm_binhost_requests_total</c>.
/// </summary>
public sealed partial class BinhostReads(
    BinhostFiles files, BinhostIndex index, PackageFileCache cache, BinhostReadAuth auth, CollectorRegistry registry, ILogger<BinhostReads> logger)
{
    /// <summary>What Portage adds to its cached TIMESTAMP in <c>If-Modified-Since</c>.</summary>
    private static readonly TimeSpan PortageTimestampTolerance = TimeSpan.FromSeconds(5);

    private readonly Counter _requests = Metrics.WithCustomRegistry(registry).CreateCounter(
        "buildswarm_binhost_requests_total", "Binhost reads (GET and HEAD below /binhost/), by file kind and status code.", "file", "code");

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/binhost", StringComparison.Ordinal, out var rest) ||
            !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            await next(context);
            return;
        }

        var path = rest.Value is { Length: > 1 } value ? value[1..] : "";
        var kind = "none";
        try
        {
            IResult result;
            if (auth.Refuse(context) is { } refusal)
            {
                result = refusal;
            }
            else
            {
                (result, kind) = (path.Length > 0 ? await files.ResolveAsync(path, context.RequestAborted) : null) switch
                {
                    LiveIndex live when index.Current(live.Target) is { } image => (Index(context, image, live.Gzip), "index"),
                    PackageFile file => await FileAsync(context, path, new FileInfo(file.Path)),
                    _ => (NotFound(path), kind),
                };
            }

            await result.ExecuteAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogReadFailed(ex, path);
            context.Response.Clear();
            await Problems.Status(StatusCodes.Status500InternalServerError, "Internal error", $"could not read '{path}' from the binhost").ExecuteAsync(context);
        }

        _requests.WithLabels(kind, Code(context.Response.StatusCode)).Inc();
    }

    private static IResult Index(HttpContext context, IndexImage image, bool gzip)
    {
        // Last-Modified is the index's TIMESTAMP, which is what Portage compares with its cached copy.
        var contentType = Describe(context, gzip ? "Packages.gz" : "Packages");
        var etag = new EntityTagHeaderValue(image.ETag(gzip));
        if (NotModified(context, image.LastModified, etag) is { } notModified)
        {
            return notModified;
        }

        return image.Contiguous(gzip) is { } block
            ? Results.Bytes(block, contentType, lastModified: image.LastModified, entityTag: etag, enableRangeProcessing: true)
            : Results.Stream(image.Open(gzip), contentType, lastModified: image.LastModified, entityTag: etag, enableRangeProcessing: true);
    }

    private async Task<(IResult Result, string Kind)> FileAsync(HttpContext context, string path, FileInfo info)
    {
        if (!info.Exists)
        {
            return (NotFound(path), "none");
        }

        var isIndex = info.Name.StartsWith("Packages", StringComparison.Ordinal);
        var modified = new DateTimeOffset(info.LastWriteTimeUtc);
        var etag = new EntityTagHeaderValue(
            $"\"{info.Length.ToString("x", CultureInfo.InvariantCulture)}-{info.LastWriteTimeUtc.Ticks.ToString("x", CultureInfo.InvariantCulture)}\"");
        var contentType = Describe(context, info.Name);
        if (isIndex && NotModified(context, modified, etag) is { } notModified)
        {
            return (notModified, "index");
        }

        var result = !isIndex && await cache.GetAsync(info, context.RequestAborted) is { } bytes
            ? Results.Bytes(bytes, contentType, lastModified: modified, entityTag: etag, enableRangeProcessing: true)
            : Results.File(info.FullName, contentType, lastModified: modified, entityTag: etag, enableRangeProcessing: true);
        return (result, isIndex ? "index" : "package");
    }

    /// <summary>
    /// 304 for an <c>If-Modified-Since</c> at least 5 s past the index (Portage sends its cached TIMESTAMP + 5 s,
    /// <c>TIMESTAMP_TOLERANCE</c> in <c>lib/portage/util/_urlopen.py</c>, a date ASP.NET's file results would ignore as
    /// being in the future); null when the body has to be sent. "Not older than the index" would answer 304 to a
    /// client whose copy is up to 5 s older than the index, and it would not see that publish until the next one.
    /// </summary>
    private static IResult? NotModified(HttpContext context, DateTimeOffset lastModified, EntityTagHeaderValue etag)
    {
        if (!ConditionalGet.NotModifiedSince(context.Request, lastModified + PortageTimestampTolerance))
        {
            // The body goes out: the file result must not answer 304 on its own "not modified since" rule.
            context.Request.Headers.IfModifiedSince = default;
            return null;
        }

        var headers = context.Response.GetTypedHeaders();
        headers.LastModified = lastModified;
        headers.ETag = etag;
        return Results.StatusCode(StatusCodes.Status304NotModified);
    }

    /// <summary>
    /// Sets Cache-Control for <paramref name="fileName"/> and returns its content type: an index changes, a published
    /// package path never does. Packages.gz is the gzip file it is, never sent with Content-Encoding: Portage gunzips it.
    /// </summary>
    private static string Describe(HttpContext context, string fileName)
    {
        var isIndex = fileName.StartsWith("Packages", StringComparison.Ordinal);
        context.Response.Headers.CacheControl = isIndex ? "no-cache" : "public, max-age=31536000, immutable";
        return fileName switch
        {
            "Packages" => "text/plain; charset=utf-8",
            "Packages.gz" => "application/gzip",
            _ => "application/octet-stream",
        };
    }

    private static IResult NotFound(string path) => Problems.NotFound($"no file '{path}' in the binhost");

    private static string Code(int status) => status switch
    {
        200 => "200",
        206 => "206",
        304 => "304",
        401 => "401",
        404 => "404",
        416 => "416",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Binhost read of {Path} failed")]
    private partial void LogReadFailed(Exception exception, string path);
}

public static class BinhostReadsSetup
{
    /// <summary>Answers binhost reads before anything else in the pipeline; call first.</summary>
    public static IApplicationBuilder UseBinhostReads(this IApplicationBuilder app)
    {
        var reads = app.ApplicationServices.GetRequiredService<BinhostReads>();
        return app.Use(next => context => reads.InvokeAsync(context, next));
    }
}
