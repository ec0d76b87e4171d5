namespace BuildSwarm.Remote;

/// <summary>
/// One way of reaching a drone over SSH: its reported address, the operator's override address,
/// or either of them through a ProxyJump chain (<c>ssh -J hop1,hop2</c>).
/// </summary>
public sealed record RemoteRoute(string Method, string Address, string? Jump = null)
{
    public const string Reported = "reported";
    public const string Override = "override";
    public const string ProxyJump = "jump";

    public override string ToString() => Jump is null ? $"{Method} {Address}" : $"{Method} {Jump} -> {Address}";
}

/// <summary>The drone a remote action is aimed at, as the fleet knows it.</summary>
public sealed record RemoteTarget(string Name, string NodeId, string? Address, string Site = "default", string? Kind = null);

/// <summary>Nothing ran: the target is not the machine it should be, or must never be touched.</summary>
public sealed class RemoteRefusedException(string message) : Exception(message);

/// <summary>No SSH route reached the drone.</summary>
public sealed class RemoteUnreachableException(string message) : Exception(message);
