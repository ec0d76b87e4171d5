namespace BuildSwarm.Core.Contracts;

/// <summary>Body of <c>POST /api/command</c>: a control action on one drone.</summary>
public sealed record ControlCommand(string Action, string Drone, bool Force = false);

/// <summary>
/// What happened to a control action. <c>Channel</c> is <c>drone</c> when the drone's own agent took it,
/// <c>ssh</c> when it ran over SSH; <c>Route</c> names the SSH connection method that worked.
/// </summary>
public sealed record ControlResult(string Action, string Drone, string Channel, string? Route, string Detail);

/// <summary>A control action handed to a drone in its heartbeat reply; the drone checks the node id is its own.</summary>
public sealed record ControlOrder(string Id, string Action, string NodeId);

/// <summary>The gateway asks a drone's orchestrator to hand the drone a control order.</summary>
public sealed record ControlDelivery(string DroneId, ControlOrder Order, int WaitSeconds = 15);

/// <summary>Whether the drone picked the order up in a heartbeat within the wait.</summary>
public sealed record ControlDelivered(bool Delivered, string Detail);

/// <summary>One step of remote control or self-healing, as recorded in the alert list.</summary>
public sealed record ControlEvent(DateTimeOffset At, string Drone, string Step, string Outcome, string Detail, bool Alert);

/// <summary>The SSH connection method that last worked for a drone.</summary>
public sealed record RemoteRouteView(string Drone, string Route, DateTimeOffset CheckedAt);
