namespace BuildSwarm.Configuration;

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

    public int MaxAttempts { get; set; } = 3;

    public long MaxUploadBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    public string DefaultTarget { get; set; } = "default";

    /// <summary>An orchestrator silent this long is unhealthy; a site whose orchestrators all are is unreachable.</summary>
    public int OrchestratorTimeoutSeconds { get; set; } = 30;
}

/// <summary>Settings of the orchestrator role (config section <c>Orchestrator</c>).</summary>
public sealed class OrchestratorOptions
{
    public string Listen { get; set; } = "http://0.0.0.0:8091";

    public string? PublicUrl { get; set; }

    public string GatewayUrl { get; set; } = "http://127.0.0.1:8090";

    /// <summary>The gateway's cluster token.</summary>
    public string? GatewayToken { get; set; }

    public string Name { get; set; } = Environment.MachineName;

    public string Site { get; set; } = "default";

    public string Role { get; set; } = "primary";

    public int SyncSeconds { get; set; } = 5;

    /// <summary>A drone silent for this long is offline and its leases are no longer renewed.</summary>
    public int DroneTimeoutSeconds { get; set; } = 30;
}

/// <summary>Settings of the drone role (config section <c>Drone</c>).</summary>
public sealed class DroneOptions
{
    /// <summary>A fixed orchestrator; without it (or when it does not answer) the gateway's discovery picks one.</summary>
    public string? OrchestratorUrl { get; set; }

    /// <summary>The gateway, asked which orchestrators serve <see cref="Site"/> (discovery).</summary>
    public string? GatewayUrl { get; set; }

    /// <summary>Site whose orchestrators this drone uses when it finds them through discovery; empty = the only site.</summary>
    public string? Site { get; set; }

    /// <summary>Join token; needed only until the drone has its own credential (kept in the work directory).</summary>
    public string? JoinToken { get; set; }

    public string Name { get; set; } = Environment.MachineName;

    /// <summary>Address at which this drone can be reached (REPORT_IP).</summary>
    public string? ReportIp { get; set; }

    public int Cores { get; set; } = Environment.ProcessorCount;

    /// <summary>Parallel jobs; 0 means one job per 4 cores, at least one.</summary>
    public int Slots { get; set; }

    public string WorkDir { get; set; } = "swarm-data/drone";

    public int HeartbeatSeconds { get; set; } = 5;

    public BuilderOptions Builder { get; set; } = new();
}

public sealed class BuilderOptions
{
    /// <summary>Builder kind: <c>command</c> (any command) or, on Gentoo, <c>emerge</c>.</summary>
    public string Kind { get; set; } = "command";

    /// <summary>Shell command the <c>command</c> builder runs per job.</summary>
    public string? Command { get; set; }

    /// <summary>Extra environment for the builder.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    public int TimeoutMinutes { get; set; } = 240;
}
