using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Jobs;
using BuildSwarm.Hosting.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

public static class BinhostEndpoints
{
    private const string Sha256Header = UploadHeaders.Sha256;
    private const string LeaseHeader = UploadHeaders.Lease;
    private const string TargetHeader = UploadHeaders.Target;

    public static IEndpointRouteBuilder MapBinhost(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/gateway/binhost/upload/{jobId:long}", UploadAsync);
        app.MapBinhostAdmin();
        return app;
    }

    /// <summary>
    /// A drone uploads the package of a job it holds a lease for. The lease id is the credential:
    /// it is random, known only to the drone and the gateway, and names exactly one job.
    /// </summary>
    private static async Task<IResult> UploadAsync(long jobId, HttpContext context, JobStore jobs, BinhostPublisher publisher, IOptions<GatewayOptions> options, CancellationToken ct)
    {
        var request = context.Request;
        var leaseId = request.Headers[LeaseHeader].ToString();
        if (string.IsNullOrEmpty(leaseId))
        {
            return Problems.Unauthorized($"missing {LeaseHeader} header: uploads need the lease of the job");
        }

        // The credential first: a caller without the job's lease learns nothing about what else is wrong.
        var claim = await jobs.FindUploadClaimAsync(jobId, leaseId, ct);
        if (claim is null)
        {
            return Problems.Unauthorized($"lease '{leaseId}' was never given for job {jobId}");
        }

        var sha256 = request.Headers[Sha256Header].ToString();
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
        {
            return Problems.Invalid(Sha256Header, "required: the SHA-256 of the body as 64 hex digits");
        }

        if (claim.State == Core.Jobs.JobState.Done)
        {
            return Problems.Conflict($"job {jobId} is already done; this completion was dropped");
        }

        if (claim.State == Core.Jobs.JobState.Cancelled)
        {
            return Problems.Conflict($"job {jobId} ({claim.Cpv}) was cancelled by an operator; this package was dropped");
        }

        if (request.Headers[TargetHeader].ToString() is { Length: > 0 } claimed && claimed != claim.Target)
        {
            return Problems.Conflict($"job {jobId} is for target '{claim.Target}', not '{claimed}'");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxUploadBytes;
        }

        var result = await publisher.PublishAsync(claim, leaseId, request.Body, sha256, request.ContentLength, ct);
        return result.Outcome switch
        {
            UploadOutcome.Published => Results.Json(
                new UploadAccepted(jobId, claim.Cpv, result.Package!.Path, result.Package.BuildId, result.Package.Size),
                SwarmJsonContext.Default.UploadAccepted, statusCode: StatusCodes.Status201Created),
            UploadOutcome.Stale => Problems.Conflict(result.Detail),
            UploadOutcome.TooLarge => Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", result.Detail),
            UploadOutcome.ChecksumMismatch => Problems.Invalid(Sha256Header, result.Detail),
            UploadOutcome.Truncated => Problems.BadRequest(result.Detail),
            UploadOutcome.WrongTarget => Problems.Conflict(result.Detail),
            _ => Problems.Status(StatusCodes.Status422UnprocessableEntity, "Invalid package", result.Detail),
        };
    }
}
