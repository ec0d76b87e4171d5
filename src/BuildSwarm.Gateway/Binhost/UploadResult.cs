namespace BuildSwarm.Gateway.Binhost;

public enum UploadOutcome
{
    Published,
    Stale,
    ChecksumMismatch,
    TooLarge,
    Truncated,
    InvalidPackage,
    WrongTarget,
}

public sealed record UploadResult(UploadOutcome Outcome, string Detail, PublishedPackage? Package = null);

public sealed record PublishedPackage(string Target, string Cpv, int BuildId, string Path, long Size);
