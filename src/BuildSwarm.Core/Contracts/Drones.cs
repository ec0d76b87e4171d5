namespace BuildSwarm.Core.Contracts;

/// <summary>Answer of <c>POST /api/gateway/drones/{name}/drain|undrain</c>.</summary>
public sealed record DroneDrainReply(string Name, bool Drained, string State);

/// <summary>Body of <c>POST /api/gateway/drones/{name}/limit</c>: the most cores the drone is asked to use; null lifts the limit.</summary>
public sealed record DroneLimitRequest(int? Cores);

public sealed record DroneLimitReply(string Name, int? Cores, string State);

/// <summary>Answer of <c>POST /api/gateway/swarm/pause|resume</c>: whether new leases are held back, and how many jobs still run.</summary>
public sealed record SwarmPauseReply(bool Paused, int Running);
