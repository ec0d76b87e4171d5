namespace BuildSwarm.Hosting.Http;

/// <summary>Settings every HTTP role shares (config section <c>&lt;Role&gt;:Security</c>).</summary>
public sealed class HttpSecurityOptions
{
    /// <summary>
    /// Failed authentications (a wrong token, credential or lease id) one source address may make per minute; past
    /// that, every request of that source carrying a credential is answered 429 with <c>Retry-After</c>. 0 turns it off.
    /// </summary>
    public int AuthFailuresPerMinute { get; set; } = 30;

    /// <summary>
    /// Reverse proxies (addresses like <c>10.0.0.5</c> or networks like <c>10.0.0.0/24</c>) whose <c>X-Forwarded-For</c>
    /// and <c>X-Forwarded-Proto</c> are believed. Empty (the default): those headers are ignored from everyone, so a
    /// client cannot choose the source address that drones are judged by and failures are counted against.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// PEM certificate (chain) for TLS on this role's listener, whose URL must then be <c>https://</c>. Read again when it
    /// changes. Empty: plain HTTP.
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/>; empty when the certificate file holds the key too.</summary>
    public string? KeyFile { get; set; }
}
