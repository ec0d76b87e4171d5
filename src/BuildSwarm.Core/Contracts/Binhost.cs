namespace BuildSwarm.Core.Contracts;

/// <summary>The gateway's binhost signing key.</summary>
public sealed record BinhostKeyInfo(string Fingerprint, bool Created);

/// <summary>Body of <c>POST /api/gateway/binhost/targets/{target}/promote</c>; the name defaults to the next number.</summary>
public sealed record PromoteRequest(string? Name = null);

/// <summary>A frozen index of a target, served at <c>/binhost/&lt;target&gt;/releases/&lt;name&gt;/</c>.</summary>
public sealed record BinhostReleaseView(string Target, string Name, long Timestamp, int Packages, DateTimeOffset CreatedAt, bool Stable);

/// <summary>What <c>rollback</c> did to the <c>stable</c> alias.</summary>
public sealed record RollbackResult(string Target, string From, string To);

/// <summary>What <c>gc</c> deleted.</summary>
public sealed record GcReport(int DeletedFiles, long DeletedBytes, int DeletedTemporaries, int KeptFiles, IReadOnlyList<string> Deleted);

/// <summary>One index entry whose file does not match it.</summary>
public sealed record VerifyProblem(string Target, string Index, string Cpv, int BuildId, string Path, string Problem, bool Repaired);

/// <summary>The result of <c>verify</c>: entries checked, problems found, and how many are still there.</summary>
public sealed record VerifyReport(int Checked, IReadOnlyList<VerifyProblem> Problems, int Remaining);

/// <summary>Headers of a package upload (<c>PUT /api/gateway/jobs/{id}/package</c> and the orchestrator's forward of it).</summary>
public static class UploadHeaders
{
    /// <summary>The SHA-256 of the body as 64 hex digits.</summary>
    public const string Sha256 = "X-Content-SHA256";

    /// <summary>The lease of the job the package completes.</summary>
    public const string Lease = "X-Lease-Id";

    /// <summary>Optional: the target the uploader believes the job is for; a different one is refused.</summary>
    public const string Target = "X-Binhost-Target";
}
