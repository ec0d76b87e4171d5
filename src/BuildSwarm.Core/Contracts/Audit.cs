namespace BuildSwarm.Core.Contracts;

/// <summary>
/// One admin action as the gateway's audit log keeps it: when, who (the credential, the source address and the
/// operator the CLI names in <c>X-BuildSwarm-Operator</c>), what (method and path) and how it ended (HTTP status).
/// </summary>
public sealed record AuditEntry(DateTimeOffset At, string Who, string Source, string? Operator, string Method, string Path, int Status);

/// <summary>The header the CLI sends with the local user and host, recorded beside the admin token in the audit log.</summary>
public static class AuditHeaders
{
    public const string Operator = "X-BuildSwarm-Operator";
}
