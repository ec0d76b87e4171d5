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

    /// <summary>Remote control settings; bound from the top-level <c>Remote</c> section.</summary>
    public Remote.RemoteOptions Remote { get; set; } = new();
}

/// <summary>Settings of the orchestrator role (config section <c>Orchestrator</c>).</summary>
public sealed class OrchestratorOptions
{
    public string Listen { get; set; } = "http://0.0.0.0:8091";

    public string? PublicUrl { get; set; }

    public string GatewayUrl { get; set; } = "http://127.0.0.1:8090";

    /// <summary>The gateway's cluster token.</summary>
    public string? GatewayToken { get; set; }

    /// <summary>Token drones present to register; defaults to the gateway token.</summary>
    public string? JoinToken { get; set; }

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
    public string OrchestratorUrl { get; set; } = "http://127.0.0.1:8091";

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

    /// <summary>What the drone runs when the swarm orders it to reboot its host.</summary>
    public string RebootCommand { get; set; } = "systemctl reboot || reboot";

    /// <summary>
    /// Whether a restart order ends the process (for its service manager to start again). Off under
    /// <c>up</c>, where the drone shares its process with the gateway and orchestrator.
    /// </summary>
    public bool ExitOnRestart { get; set; } = true;
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
