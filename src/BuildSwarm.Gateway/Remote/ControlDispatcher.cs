using System.Security.Cryptography;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Hosting.Network;

using BuildSwarm.Remote;
namespace BuildSwarm.Gateway.Remote;

/// <summary>
/// Runs <c>POST /api/command</c>: checks the reboot policy, then hands the action to the drone's own agent
/// through its orchestrator, and falls back to SSH only when the agent is down.
/// </summary>
public sealed class ControlDispatcher(
    RemoteOptions options,
    FleetRegistry fleet,
    OrchestratorControlClient orchestrators,
    IssuedControlOrders issued,
    RemoteControl control,
    LocalAddresses local,
    IControlEvents events,
    TimeProvider time)
{
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal) { "reboot", "restart" };

    public async Task<ControlResult> RunAsync(ControlCommand command, CancellationToken cancellationToken)
    {
        var all = await fleet.OrchestratorsAsync(cancellationToken);
        var drone = fleet.Drones(all).FirstOrDefault(d => d.Name == command.Drone)
            ?? throw new ControlNotFoundException($"no drone named '{command.Drone}' is known to a reporting orchestrator");

        if (command.Action == "reboot")
        {
            CheckRebootAllowed(drone, command.Force, all);
        }

        var target = new RemoteTarget(drone.Name, drone.Id, drone.Address, drone.Site, drone.Kind);
        if (drone.State != "offline" && all.FirstOrDefault(o => o.Healthy && o.Site == drone.Site) is { } orchestrator)
        {
            var order = new ControlOrder(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), command.Action, drone.Id);
            var delivery = new ControlDelivery(drone.Id, order);
            issued.Issue(delivery);
            ControlDelivered delivered;
            try
            {
                delivered = await orchestrators.DeliverAsync(orchestrator.Url, delivery, cancellationToken);
            }
            finally
            {
                issued.Withdraw(order.Id);
            }

            if (delivered.Delivered)
            {
                return Done(command, "drone", null, $"the drone's agent took the {command.Action} order");
            }

            Record(command, "drone channel", "failed", delivered.Detail);
        }

        try
        {
            var session = await control.ConnectAsync(target, cancellationToken);
            if (command.Action == "reboot" && local.IsAmong(session.Route.Address, ProtectedHosts(all)))
            {
                throw new RemoteRefusedException($"refusing to reboot drone {drone.Name}: {session.Route.Address} is the gateway's or an orchestrator's host");
            }

            var result = command.Action == "reboot"
                ? await control.RebootAsync(session, cancellationToken)
                : await control.RestartServiceAsync(session, cancellationToken);
            if (!result.Ok)
            {
                Record(command, "ssh", "failed", $"via {session.Route}: {result.Reason}");
                throw new RemoteCommandFailedException($"{command.Action} of drone {drone.Name} via {session.Route} failed: {result.Reason}");
            }

            return Done(command, "ssh", session.Route.ToString(), $"{command.Action} issued over SSH");
        }
        catch (Exception ex) when (ex is RemoteRefusedException or RemoteUnreachableException)
        {
            Record(command, "ssh", ex is RemoteRefusedException ? "refused" : "unreachable", ex.Message);
            throw;
        }
    }

    /// <summary>Reboots only VMs and containers unless forced, and never the gateway's or an orchestrator's host.</summary>
    private void CheckRebootAllowed(DroneView drone, bool force, IReadOnlyList<OrchestratorView> orchestrators)
    {
        var addresses = new[] { drone.Address, options.Host(drone.Name).Address }.OfType<string>().Where(a => a.Length > 0);
        if (addresses.FirstOrDefault(a => local.IsAmong(a, ProtectedHosts(orchestrators))) is { } hit)
        {
            throw new RemoteRefusedException(
                $"refusing to reboot drone {drone.Name}: its address {hit} is the gateway's or an orchestrator's host; the swarm never reboots those (not even with --force)");
        }

        var kind = options.Host(drone.Name).Kind ?? drone.Kind;
        if (!force && kind is not ("vm" or "container"))
        {
            throw new RemoteRefusedException(
                $"refusing to reboot drone {drone.Name}: it is {kind ?? "of unknown kind"}, and only VMs and containers are rebooted " +
                $"(set Remote:Hosts:{drone.Name}:Kind, or use --force)");
        }
    }

    private static IEnumerable<string> ProtectedHosts(IReadOnlyList<OrchestratorView> orchestrators) =>
        orchestrators.Select(o => Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) ? uri.Host : null).OfType<string>();

    private ControlResult Done(ControlCommand command, string channel, string? route, string detail)
    {
        Record(command, channel, "ok", route is null ? detail : $"{detail} via {route}");
        return new ControlResult(command.Action, command.Drone, channel, route, detail);
    }

    private void Record(ControlCommand command, string channel, string outcome, string detail) =>
        events.Record(new ControlEvent(time.GetUtcNow(), command.Drone, $"{command.Action} ({channel})", outcome, detail, Alert: false));
}

public sealed class ControlNotFoundException(string message) : Exception(message);

public sealed class RemoteCommandFailedException(string message) : Exception(message);
