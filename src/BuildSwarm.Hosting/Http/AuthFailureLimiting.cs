namespace BuildSwarm.Hosting.Http;

/// <summary>The middleware around every role's endpoints that feeds and applies <see cref="AuthFailureLimiter"/>.</summary>
public static class AuthFailureLimiting
{
    /// <summary>The headers and query parameters that carry a credential of ours.</summary>
    public static bool CarriesCredential(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(Core.Contracts.UploadHeaders.Lease) || request.Query.ContainsKey("lease");

    public static IApplicationBuilder UseAuthFailureLimiting(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var limiter = context.RequestServices.GetRequiredService<AuthFailureLimiter>();
            var source = context.Connection.RemoteIpAddress;
            if (!CarriesCredential(context.Request))
            {
                await next(context);
                return;
            }

            if (limiter.RetryAfter(source) is { } wait)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Status(StatusCodes.Status429TooManyRequests, "Too many failed authentications",
                    $"{source} made too many requests with a wrong token, credential or lease id; try again in {seconds} s").ExecuteAsync(context);
                return;
            }

            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                limiter.Failed(source);
            }
        });
}
