using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace BuildSwarm.Hosting.Http;

/// <summary>
/// Strong ETags on read-only JSON views, with <c>Cache-Control: no-cache</c> so a caching proxy
/// may keep a copy but revalidates it every time; a matching <c>If-None-Match</c> gets 304.
/// </summary>
public static class ConditionalGet
{
    /// <summary>
    /// True when a GET/HEAD carries an <c>If-Modified-Since</c> not older than <paramref name="lastModified"/> (whole
    /// seconds) and no <c>If-None-Match</c> (which takes precedence, RFC 9110 13.2.2). Unlike ASP.NET's file results,
    /// a date in the server's future still counts: Portage sends its cached TIMESTAMP + 5 s.
    /// </summary>
    public static bool NotModifiedSince(HttpRequest request, DateTimeOffset lastModified)
    {
        var headers = request.GetTypedHeaders();
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || request.Headers.IfNoneMatch.Count > 0
            || request.Headers.IfModifiedSince.Count != 1
            || headers.IfModifiedSince is not { } since)
        {
            return false;
        }

        return since >= DateTimeOffset.FromUnixTimeSeconds(lastModified.ToUnixTimeSeconds());
    }

    public static IApplicationBuilder UseConditionalGet(this IApplicationBuilder app, params string[] pathPrefixes) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!HttpMethods.IsGet(request.Method) || !pathPrefixes.Any(p => request.Path.StartsWithSegments(p, StringComparison.Ordinal)))
            {
                await next(context);
                return;
            }

            var original = context.Response.Body;
            await using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            var response = context.Response;
            if (response.StatusCode == StatusCodes.Status200OK)
            {
                var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))[..32]}\"";
                response.Headers.ETag = etag;
                response.Headers.CacheControl = "no-cache";
                if (EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags)
                    && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(etag, StringComparison.Ordinal)))
                {
                    response.StatusCode = StatusCodes.Status304NotModified;
                    response.ContentLength = null;
                    return;
                }
            }

            response.ContentLength = buffer.Length;
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        });
}
