using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Jobs;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway;

public static class BuildEndpoints
{
    public static IEndpointRouteBuilder MapBuilds(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/gateway/build/submit", SubmitAsync)
            .RequireToken(sp => sp.GetRequiredService<GatewaySecrets>().AdminToken, "admin token");
        app.MapBuildViews("/api/gateway/builds");
        return app;
    }

    /// <summary>The latest builds and one build by id under <paramref name="prefix"/> (the gateway's names and the v3 ones).</summary>
    public static IEndpointRouteBuilder MapBuildViews(this IEndpointRouteBuilder app, string prefix)
    {
        app.MapGet(prefix, async (BuildVerdicts builds, CancellationToken ct) =>
            Results.Json(await builds.ListAsync(50, ct), SwarmJsonContext.Default.IReadOnlyListBuildSummary));
        app.MapGet(prefix + "/{id}", async (string id, BuildVerdicts builds, CancellationToken ct) =>
            await builds.GetAsync(id, ct) is { } build
                ? Results.Json(build, SwarmJsonContext.Default.BuildView)
                : Problems.NotFound($"no build '{id}'"));
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, JobStore jobs, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, SwarmJsonContext.Default.SubmitBuildRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = BuildRequestValidator.Validate(body!);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var response = await jobs.SubmitAsync(body!, cancellationToken);
        return Results.Json(response, SwarmJsonContext.Default.SubmitBuildResponse, statusCode: StatusCodes.Status201Created);
    }
}
