using BuildSwarm.Core.Scheduling;

namespace BuildSwarm.Core.Contracts;

/// <summary>An orchestrator introduces itself to the gateway.</summary>
public sealed record OrchestratorRegistration(string Name, string Site, string Url, string Role = "primary");

public sealed record OrchestratorRegistered(string OrchestratorId, int LeaseSeconds);

/// <summary>Periodic report of an orchestrator's drones, so the gateway can aggregate status.</summary>
public sealed record OrchestratorSync(IReadOnlyList<DroneView> Drones);

/// <summary>
/// A drone introduces itself to its site orchestrator; <c>Targets</c> are the targets it can build (null: any);
/// <c>Kind</c>: <c>vm</c>, <c>container</c> or <c>metal</c> as the drone detected it, null if unknown.
/// </summary>
public sealed record DroneRegistration(
    string Name,
    int Cores,
    long RamMb,
    int Slots,
    string? ReportIp = null,
    string? NodeId = null,
    string Version = "",
    IReadOnlyList<string>? Targets = null,
    DroneRole Role = DroneRole.Normal,
    string? HostName = null,
    IReadOnlyList<string>? Addresses = null,
    string? Kind = null);

/// <summary>
/// <paramref name="DroneToken"/> authenticates this session with this orchestrator; <paramref name="Credential"/>
/// is the drone's lasting credential, sent once when the gateway first admits it.
/// </summary>
public sealed record DroneRegistered(
    string DroneId,
    string DroneToken,
    string GatewayUrl,
    int HeartbeatSeconds,
    string State = DroneAdmissionStates.Approved,
    string? Credential = null,
    string? Name = null);

/// <summary><c>Watts</c> and <c>PowerSource</c> ("rapl" or "estimate") are absent when the drone cannot tell.</summary>
public sealed record DroneHeartbeat(
    IReadOnlyList<string> LeaseIds,
    double Load1 = 0,
    double? Watts = null,
    string? PowerSource = null,
    IReadOnlyList<HeldLeaseReport>? Held = null);

/// <summary>A lease a drone holds, with enough to let another orchestrator take over renewing it.</summary>
public sealed record HeldLeaseReport(string LeaseId, long JobId, string Cpv);

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
    double? Watts = null,
    string? PowerSource = null,
    DroneRole Role = DroneRole.Normal,
    DateTimeOffset? GroundedUntil = null,
    string? ReportedAddress = null,
    string? ObservedAddress = null,
    bool BehindNat = false,
    bool MaskedByGateway = false,
    string? Kind = null,
    int? CoreLimit = null);

public static class DroneViews
{
    /// <summary>The view without its addresses (the SSH targets), for callers without the admin or cluster token.</summary>
    public static DroneView WithoutAddresses(DroneView drone) =>
        drone with { Address = null, ReportedAddress = null, ObservedAddress = null };
}

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
    int BinhostPackages,
    IReadOnlyList<SiteStatus>? Sites = null,
    bool Paused = false);
