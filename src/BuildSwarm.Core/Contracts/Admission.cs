namespace BuildSwarm.Core.Contracts;

/// <summary>Where a drone stands with the gateway, which alone decides.</summary>
public static class DroneAdmissionStates
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Revoked = "revoked";

    /// <summary>Refused on every call, not only kept from work.</summary>
    public static bool IsRefused(string state) => state is Rejected or Revoked;
}

/// <summary>An operator asks for a join token; <paramref name="ExpiresInSeconds"/> null means it never expires.</summary>
public sealed record JoinTokenRequest(long? ExpiresInSeconds = null, bool SingleUse = false, bool AutoApprove = false, string? Note = null);

/// <summary>The token itself is only ever shown here: the gateway keeps its hash.</summary>
public sealed record JoinTokenCreated(string Id, string Token, DateTimeOffset? ExpiresAt, bool SingleUse, bool AutoApprove);

public sealed record JoinTokenView(
    string Id,
    string? Note,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    bool SingleUse,
    bool AutoApprove,
    int Uses,
    bool Revoked);

/// <summary>
/// An orchestrator passes a drone's registration to the gateway with what it saw: the secret the drone
/// presented (join token or its credential), the source address of its request, and its own addresses.
/// </summary>
public sealed record DroneAdmissionRequest(
    DroneRegistration Registration,
    string Secret,
    string? ObservedAddress,
    IReadOnlyList<string> OrchestratorAddresses,
    string Site,
    string? OrchestratorId = null);

/// <summary>The gateway's answer; <paramref name="Credential"/> is set only when the drone is first admitted.</summary>
public sealed record DroneAdmission(
    string DroneId,
    string Name,
    string State,
    string? Credential,
    string? ReportedAddress,
    string? ObservedAddress,
    bool BehindNat,
    bool MaskedByGateway);

public sealed record DroneDecision(string DroneId, string Name, string State);

/// <summary>The gateway's answer to a sync: the current decision on each drone the orchestrator reported.</summary>
public sealed record OrchestratorSyncReply(IReadOnlyList<DroneDecision> Drones);

/// <summary>A drone as the gateway's admission registry knows it, with its live state when an orchestrator reports it.</summary>
public sealed record FleetDrone(
    string Id,
    string Name,
    string HostName,
    string Admission,
    string? Site,
    int Cores,
    long RamMb,
    int Slots,
    IReadOnlyList<string> Addresses,
    string? Address,
    string? ReportedAddress,
    string? ObservedAddress,
    bool BehindNat,
    bool MaskedByGateway,
    string State,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeen);

public sealed record DroneRename(string Name);

public sealed record OrchestratorEndpoint(string Id, string Name, string Role, string Url, bool Healthy, double LastSyncAgeSeconds);

/// <summary>One site's orchestrators; <paramref name="Reachable"/> is false when none of them synced recently.</summary>
public sealed record SiteOrchestrators(string Site, OrchestratorEndpoint? Primary, OrchestratorEndpoint? Secondary, bool Reachable);

/// <summary>Answer of <c>GET /api/gateway/orchestrators</c> (discovery).</summary>
public sealed record OrchestratorDirectory(IReadOnlyList<SiteOrchestrators> Sites, int CacheSeconds);

/// <summary>One site in the gateway's status; an unreachable site is shown with its last known figures.</summary>
public sealed record SiteStatus(
    string Site,
    bool Reachable,
    double? LastSyncAgeSeconds,
    int CoresOnline,
    int DronesOnline,
    int Drones,
    int JobsRunning,
    string? Primary,
    string? Secondary);
