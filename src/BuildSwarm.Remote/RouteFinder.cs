using BuildSwarm.Hosting.Network;

namespace BuildSwarm.Remote;

/// <summary>
/// Finds a working SSH route to a drone: the remembered one first, then in order the reported address,
/// the operator's override and the jump host chains. The probe reads the drone's node id, so finding
/// a route also tells who answered.
/// </summary>
public sealed partial class RouteFinder(RemoteOptions options, SshShell shell, RouteMemory memory, LocalAddresses local, ILogger<RouteFinder> logger)
{
    public IReadOnlyList<RemoteRoute> Candidates(RemoteTarget target)
    {
        var host = options.Host(target.Name);
        var addresses = new List<(string Method, string Address)>();
        if (!string.IsNullOrWhiteSpace(target.Address))
        {
            addresses.Add((RemoteRoute.Reported, target.Address));
        }

        if (!string.IsNullOrWhiteSpace(host.Address) && host.Address != target.Address)
        {
            addresses.Add((RemoteRoute.Override, host.Address));
        }

        // The controller's own addresses are never a way to reach a drone: a NATed drone may report the
        // gateway's address, and acting on it would act on the gateway.
        addresses.RemoveAll(a => local.IsOwn(a.Address));
        var routes = addresses.Select(a => new RemoteRoute(a.Method, a.Address)).ToList();
        foreach (var chain in options.JumpChains(target.Name, target.Site))
        {
            routes.AddRange(addresses.Select(a => new RemoteRoute(RemoteRoute.ProxyJump, a.Address, chain.Replace(" ", "", StringComparison.Ordinal))));
        }

        return routes;
    }

    public async Task<RemoteSession> ConnectAsync(RemoteTarget target, CancellationToken cancellationToken)
    {
        var candidates = Candidates(target).ToList();
        if (memory.Get(target.Name)?.Route is { } remembered && candidates.Remove(remembered))
        {
            candidates.Insert(0, remembered);
        }

        if (candidates.Count == 0 && new[] { target.Address, options.Host(target.Name).Address }.Any(a => a is { Length: > 0 } && local.IsOwn(a)))
        {
            throw new RemoteRefusedException(
                $"refusing to act on drone {target.Name}: its address {target.Address ?? options.Host(target.Name).Address} is one of this controller's own addresses; nothing was run");
        }

        if (candidates.Count == 0)
        {
            throw new RemoteUnreachableException($"drone {target.Name} has no reported address and no Remote:Hosts:{target.Name}:Address override");
        }

        var failures = new List<string>();
        var workDir = WorkDir(target.Name);
        foreach (var route in candidates)
        {
            var hops = route.Jump?.Split(',').Length ?? 0;
            var timeout = TimeSpan.FromSeconds((options.ConnectTimeoutSeconds * (hops + 1)) + 10);
            var result = await shell.RunAsync(target.Name, route, $"cat {ShellQuote.ConfigPath(workDir + "/node-id")}", timeout, cancellationToken);
            if (result.ConnectionFailed)
            {
                LogRouteFailed(target.Name, route.ToString(), result.Reason);
                failures.Add($"{route} ({result.Reason})");
                continue;
            }

            memory.Remember(target.Name, route);
            LogRouteWorks(target.Name, route.ToString());
            return new RemoteSession(target, route, result.Ok && result.Stdout.Trim() is { Length: > 0 } id ? id : null, workDir);
        }

        memory.Forget(target.Name);
        throw new RemoteUnreachableException($"no SSH route reached drone {target.Name}: tried {string.Join("; ", failures)}");
    }

    public string WorkDir(string drone) => options.Host(drone).WorkDir ?? options.WorkDir;

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Drone}: SSH route {Route} failed: {Reason}")]
    private partial void LogRouteFailed(string drone, string route, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drone {Drone}: SSH route {Route} works")]
    private partial void LogRouteWorks(string drone, string route);
}

/// <summary>A route that answered, and the node id read over it (null when the drone has none).</summary>
public sealed record RemoteSession(RemoteTarget Target, RemoteRoute Route, string? RemoteNodeId, string WorkDir);
