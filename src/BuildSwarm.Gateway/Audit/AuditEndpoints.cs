using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway.Audit;

/// <summary>Records every admin action (any non-GET call to a route that takes the admin token, refused ones too) and serves the log to admins.</summary>
public static class AuditEndpoints
{
    public const string AdminToken = "admin token";

    public static IServiceCollection AddAudit(this IServiceCollection services, string dataDir) =>
        services.AddSingleton(new AuditLog(AuditLog.FileIn(dataDir)));

    /// <summary>After routing: the endpoint's <see cref="RequiredToken"/> says whether the call is an admin action.</summary>
    public static IApplicationBuilder UseAudit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredToken>() is not { What: AdminToken }
                || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                await next(context);
                return;
            }

            try
            {
                await next(context);
            }
            finally
            {
                var secrets = context.RequestServices.GetRequiredService<GatewaySecrets>();
                var presented = BearerToken.From(request);
                var who = presented is null ? "no token" : BearerToken.Matches(presented, secrets.AdminToken) ? "admin token" : "wrong token";
                var time = context.RequestServices.GetRequiredService<TimeProvider>();
                var operatorName = request.Headers[AuditHeaders.Operator].ToString() is { Length: > 0 } named ? named[..Math.Min(200, named.Length)] : null;
                var entry = new AuditEntry(time.GetUtcNow(), who, context.Connection.RemoteIpAddress?.ToString() ?? "", operatorName, request.Method,
                    request.Path + request.QueryString, context.Response.StatusCode);
                await context.RequestServices.GetRequiredService<AuditLog>().AppendAsync(entry, CancellationToken.None);
            }
        });

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gateway/audit", async (HttpRequest request, AuditLog log, CancellationToken ct) =>
        {
            var limit = 200;
            if (request.Query["limit"].ToString() is { Length: > 0 } text && (!int.TryParse(text, out limit) || limit is < 1 or > AuditLog.MaxRead))
            {
                return Problems.Invalid("limit", $"an integer from 1 to {AuditLog.MaxRead}");
            }

            return Results.Json(await log.ReadAsync(limit, ct), SwarmJsonContext.Default.IReadOnlyListAuditEntry);
        }).RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().AdminToken, AdminToken);
        return app;
    }
}
