using BuildSwarm.Hosting.Network;

namespace BuildSwarm.Remote;

/// <summary>
/// The check before every destructive command over SSH: the machine that answered must be the target
/// drone (same node id) and must not be the controller itself. On failure nothing runs.
/// </summary>
public static class IdentityGuard
{
    public static void Check(RemoteSession session, LocalAddresses local)
    {
        var target = session.Target;
        if (local.IsOwn(session.Route.Address))
        {
            throw new RemoteRefusedException(
                $"refusing to act on drone {target.Name}: its address {session.Route.Address} is one of this controller's own addresses " +
                $"({string.Join(", ", LocalAddresses.All().Where(a => !System.Net.IPAddress.IsLoopback(a)).Take(4))}); nothing was run");
        }

        if (session.RemoteNodeId is null)
        {
            throw new RemoteRefusedException(
                $"refusing to act on drone {target.Name}: {session.Route} answered but has no node id in {session.WorkDir}/node-id " +
                $"(expected {target.NodeId}); nothing was run");
        }

        if (!string.Equals(session.RemoteNodeId, target.NodeId, StringComparison.Ordinal))
        {
            throw new RemoteRefusedException(
                $"identity mismatch for drone {target.Name}: {session.Route} answers as node {session.RemoteNodeId}, " +
                $"but drone {target.Name} is node {target.NodeId}; the address now belongs to another machine; nothing was run");
        }
    }

    /// <summary>
    /// Prefixes a command with a second node id test in the same SSH session, so a route that changed
    /// hands between the check and the command still runs nothing. Exit code 97 means it changed.
    /// </summary>
    public static string Guarded(RemoteSession session, string command) =>
        $"[ \"$(cat {ShellQuote.ConfigPath(session.WorkDir + "/node-id")} 2>/dev/null)\" = {ShellQuote.Quote(session.Target.NodeId)} ] " +
        $"|| {{ echo 'node id changed since the identity check; nothing was run' >&2; exit {MismatchExitCode}; }}; {command}";

    public const int MismatchExitCode = 97;
}
