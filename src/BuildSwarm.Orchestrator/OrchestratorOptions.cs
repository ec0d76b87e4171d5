using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Orchestrator;

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

    /// <summary>Failed-authentication limit (and the other HTTP safety settings) of this role's listener.</summary>
    public HttpSecurityOptions Security { get; set; } = new();

    /// <summary>A drone silent for this long is offline and its leases are no longer renewed.</summary>
    public int DroneTimeoutSeconds { get; set; } = 30;
}
