namespace BuildSwarm.Core.Contracts;

/// <summary>Answer of <c>POST /api/gateway/drones/{name}/drain|undrain</c>.</summary>
public sealed record DroneDrainReply(string Name, bool Drained, string State);
