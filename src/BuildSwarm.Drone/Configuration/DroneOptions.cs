using BuildSwarm.Core.Scheduling;

namespace BuildSwarm.Drone.Configuration;

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

    /// <summary>Parallel jobs; 0 means from cores and RAM (<c>DroneSlots.Compute</c>). A sweeper always has one.</summary>
    public int Slots { get; set; }

    /// <summary><c>normal</c>, or <c>sweeper</c>: takes only stuck jobs, one at a time, serial and in a clean environment.</summary>
    public DroneRole Role { get; set; } = DroneRole.Normal;

    public string WorkDir { get; set; } = "swarm-data/drone";

    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>URL of the optional Prometheus listener (<c>/metrics</c>, <c>/healthz</c>), e.g. <c>http://127.0.0.1:9101</c>; empty = none.</summary>
    public string? MetricsListen { get; set; }

    public BuilderOptions Builder { get; set; } = new();

    /// <summary>Targets this drone builds, by name, with their Portage settings; none configured means <c>default</c>.</summary>
    public Dictionary<string, TargetSettings> Targets { get; set; } = new(StringComparer.Ordinal);

    public PortageOptions Portage { get; set; } = new();

    /// <summary>Jobs at once: <see cref="Slots"/> if set, else from cores and RAM; a sweeper builds one job at a time.</summary>
    public int SlotCount() => Role == Core.Scheduling.DroneRole.Sweeper
        ? 1
        : Core.Scheduling.DroneSlots.Compute(Cores, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024), Slots > 0 ? Slots : null);

    public IReadOnlyDictionary<string, TargetSettings> EffectiveTargets() =>
        Targets.Count > 0 ? Targets : new Dictionary<string, TargetSettings>(StringComparer.Ordinal) { ["default"] = new() };
    public PowerOptions Power { get; set; } = new();

    /// <summary>How often the drone ships the growing log of a running job to the gateway.</summary>
    public double LogShipSeconds { get; set; } = 1;
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

    /// <summary>The <c>emerge</c> executable the <c>emerge</c> builder runs.</summary>
    public string EmergeCommand { get; set; } = "emerge";

    /// <summary>Shell command the <c>command</c> builder runs per job.</summary>
    public string? Command { get; set; }

    /// <summary>Extra environment for the builder.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    public int TimeoutMinutes { get; set; } = 240;

    /// <summary>Start the builder with only PATH, HOME, LANG and <see cref="Environment"/> (set for sweepers).</summary>
    public bool CleanEnvironment { get; set; }
}
