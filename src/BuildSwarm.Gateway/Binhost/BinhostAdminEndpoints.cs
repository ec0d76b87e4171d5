using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting.Http;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>Operator endpoints behind <c>build-swarm binhost ...</c>: key, releases, gc, verify (admin token).</summary>
public static class BinhostAdminEndpoints
{
    public static IEndpointRouteBuilder MapBinhostAdmin(this IEndpointRouteBuilder app)
    {
        // The public key is public: clients may fetch it to set up trust.
        app.MapGet("/api/gateway/binhost/key", async (BinhostSigner signer, CancellationToken ct) =>
            await signer.ExportPublicKeyAsync(ct) is { } key
                ? Results.Text(key, "application/pgp-keys")
                : Problems.NotFound("the binhost has no signing key: run 'build-swarm binhost init-key'"));

        var admin = app.MapGroup("/api/gateway/binhost")
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().AdminToken, "admin token");
        admin.MapPost("/key", async (BinhostSigner signer, CancellationToken ct) =>
        {
            var (fingerprint, created) = await signer.EnsureKeyAsync(ct);
            return Results.Json(new BinhostKeyInfo(fingerprint, created), SwarmJsonContext.Default.BinhostKeyInfo,
                statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });
        admin.MapGet("/targets/{target}/releases", (string target, BinhostReleases releases, CancellationToken ct) =>
            Run(async () => Results.Json(await releases.ListAsync(target, ct), SwarmJsonContext.Default.IReadOnlyListBinhostReleaseView)));
        admin.MapPost("/targets/{target}/promote", (string target, HttpRequest request, BinhostReleases releases, CancellationToken ct) => Run(async () =>
        {
            var body = new PromoteRequest();
            // A JSON client may send the body chunked, without Content-Length.
            if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                var (parsed, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.PromoteRequest, ct);
                if (error is not null)
                {
                    return error;
                }

                body = parsed!;
            }

            var release = await releases.PromoteAsync(target, body.Name, ct);
            return Results.Json(release, SwarmJsonContext.Default.BinhostReleaseView, statusCode: StatusCodes.Status201Created);
        }));
        admin.MapPost("/targets/{target}/rollback", (string target, BinhostReleases releases, CancellationToken ct) =>
            Run(async () => Results.Json(await releases.RollbackAsync(target, ct), SwarmJsonContext.Default.RollbackResult)));
        admin.MapPost("/gc", async (BinhostGarbageCollector gc, CancellationToken ct) =>
            Results.Json(await gc.CollectAsync(ct), SwarmJsonContext.Default.GcReport));
        admin.MapPost("/verify", async (bool? repair, BinhostVerifier verifier, CancellationToken ct) =>
            Results.Json(await verifier.VerifyAsync(repair ?? false, ct), SwarmJsonContext.Default.VerifyReport));
        return app;
    }

    private static async Task<IResult> Run(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (BinhostRequestException ex)
        {
            return Problems.Status(ex.Status, ex.Status switch
            {
                StatusCodes.Status404NotFound => "Not found",
                StatusCodes.Status409Conflict => "Conflict",
                _ => "Bad request",
            }, ex.Message);
        }
    }
}
