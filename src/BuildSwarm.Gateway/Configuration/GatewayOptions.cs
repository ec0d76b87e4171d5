using BuildSwarm.Hosting.Http;
using BuildSwarm.Remote;

namespace BuildSwarm.Gateway.Configuration;

/// <summary>Settings of the gateway role (config section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public string Listen { get; set; } = "http://0.0.0.0:8090";

    /// <summary>URL others use to reach this gateway; defaults to the listen URL with a loopback host.</summary>
    public string? PublicUrl { get; set; }

    public string DataDir { get; set; } = "swarm-data";

    /// <summary>Admin token; when empty, one is created in <c>&lt;DataDir&gt;/admin.token</c>.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Token orchestrators present; when empty, one is created in <c>&lt;DataDir&gt;/cluster.token</c>.</summary>
    public string? ClusterToken { get; set; }

    public int LeaseSeconds { get; set; } = 60;

    /// <summary>
    /// Failures on normal drones, repeats included, after which a job is stuck even if it failed on fewer
    /// than <see cref="SchedulingOptions.MaxDistinctDrones"/> distinct drones (a small fleet would otherwise retry forever).
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    public long MaxUploadBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    public string DefaultTarget { get; set; } = "default";

    public EventOptions Events { get; set; } = new();

    public LogOptions Logs { get; set; } = new();

    public EnergyOptions Energy { get; set; } = new();
    public SchedulingOptions Scheduling { get; set; } = new();
    public BinhostOptions Binhost { get; set; } = new();

    /// <summary>Binhost targets; the default target exists even when not listed (then with an empty header).</summary>
    public List<BinhostTargetOptions> Targets { get; set; } = [];
    /// <summary>An orchestrator silent this long is unhealthy; a site whose orchestrators all are is unreachable.</summary>
    public int OrchestratorTimeoutSeconds { get; set; } = 30;
    /// <summary>Failed-authentication limit (and the other HTTP safety settings) of this role's listener.</summary>
    public HttpSecurityOptions Security { get; set; } = new();

    /// <summary>Remote control settings; bound from the top-level <c>Remote</c> section.</summary>
    public RemoteOptions Remote { get; set; } = new();
}
