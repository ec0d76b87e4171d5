namespace BuildSwarm.Core.Contracts;

/// <summary>An orchestrator introduces itself to the gateway.</summary>
public sealed record OrchestratorRegistration(string Name, string Site, string Url, string Role = "primary");

public sealed record OrchestratorRegistered(string OrchestratorId, int LeaseSeconds);

/// <summary>Periodic report of an orchestrator's drones, so the gateway can aggregate status.</summary>
public sealed record OrchestratorSync(IReadOnlyList<DroneView> Drones);

/// <summary>A drone introduces itself to its site orchestrator. <c>Kind</c>: <c>vm</c>, <c>container</c> or <c>metal</c> as the drone detected it, null if unknown.</summary>
public sealed record DroneRegistration(
    string Name,
    int Cores,
    long RamMb,
    int Slots,
    string? ReportIp = null,
    string? NodeId = null,
    string Version = "",
    string? Kind = null);

public sealed record DroneRegistered(string DroneId, string DroneToken, string GatewayUrl, int HeartbeatSeconds);

public sealed record DroneHeartbeat(IReadOnlyList<string> LeaseIds, double Load1 = 0);

/// <summary>Leases the drone holds that are no longer valid: it should stop working on them.</summary>
public sealed record DroneHeartbeatReply(IReadOnlyList<string> Revoked, ControlOrder? Control = null);

public sealed record DroneView(
    string Id,
    string Name,
    string Site,
    int Cores,
    long RamMb,
    int Slots,
    string State,
    string? Address,
    IReadOnlyList<string> Jobs,
    DateTimeOffset LastSeen,
    string? Kind = null);

public sealed record OrchestratorView(string Id, string Name, string Site, string Role, string Url, bool Healthy, DateTimeOffset LastSeen);

/// <summary>Answer of <c>GET /api/gateway/status</c>: the swarm at a glance.</summary>
public sealed record SwarmStatus(
    string Version,
    int CoresOnline,
    int DronesOnline,
    IReadOnlyList<DroneView> Drones,
    IReadOnlyList<OrchestratorView> Orchestrators,
    IReadOnlyDictionary<string, int> Jobs,
    IReadOnlyList<BuildSummary> Builds,
    int BinhostPackages);
