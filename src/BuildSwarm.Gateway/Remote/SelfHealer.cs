using System.Collections.Concurrent;
using BuildSwarm.Core.Contracts;

using BuildSwarm.Remote;
namespace BuildSwarm.Gateway.Remote;

/// <summary>
/// The self-healing ladder for drones that stopped heartbeating: restart the service over SSH, then
/// reboot (VMs and containers only), then raise an alert and leave the drone alone for the back-off.
/// Each rung gets <c>RecoverSeconds</c> to bring the drone back before the next one is tried.
/// </summary>
public sealed partial class SelfHealer(
    RemoteOptions options,
    RemoteControl control,
    IControlEvents events,
    TimeProvider time,
    ILogger<SelfHealer> logger)
{
    private readonly ConcurrentDictionary<string, LadderState> _ladders = new(StringComparer.Ordinal);

    public async Task CheckAsync(IReadOnlyList<DroneView> drones, CancellationToken cancellationToken)
    {
        foreach (var drone in drones)
        {
            try
            {
                await CheckDroneAsync(drone, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(drone.Name, ex.Message);
            }
        }
    }

    private async Task CheckDroneAsync(DroneView drone, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _ladders.TryGetValue(drone.Name, out var ladder);
        if (drone.State != "offline")
        {
            if (ladder is not null && _ladders.TryRemove(drone.Name, out _) && ladder.Rung != Rung.Alerted)
            {
                Record(drone, "recovered", "ok", $"heartbeating again after {ladder.Rung.ToString().ToLowerInvariant()}", alert: false);
            }

            return;
        }

        if (ladder is not null && now < ladder.NextAt)
        {
            return;
        }

        var rung = ladder?.Rung switch
        {
            null => Rung.Restarted,
            Rung.Restarted => Rung.Rebooted,
            Rung.Rebooted => Rung.Alerted,
            _ => Rung.Restarted, // the back-off after an alert is over: try again from the bottom
        };

        await ClimbAsync(drone, rung, cancellationToken);
    }

    private async Task ClimbAsync(DroneView drone, Rung rung, CancellationToken cancellationToken)
    {
        var recover = TimeSpan.FromSeconds(options.SelfHealing.RecoverSeconds);
        if (rung == Rung.Restarted)
        {
            var (ok, detail, stop) = await TryAsync(drone, "restart", (s, ct) => control.RestartServiceAsync(s, ct), cancellationToken);
            if (ok)
            {
                Set(drone, Rung.Restarted, recover);
                return;
            }

            if (stop)
            {
                Alert(drone, $"restart not possible: {detail}");
                return;
            }

            rung = Rung.Rebooted;
        }

        if (rung == Rung.Rebooted)
        {
            var kind = Kind(drone);
            if (kind is "vm" or "container")
            {
                var (ok, detail, _) = await TryAsync(drone, "reboot", (s, ct) => control.RebootAsync(s, ct), cancellationToken);
                if (ok)
                {
                    Set(drone, Rung.Rebooted, recover);
                    return;
                }

                Alert(drone, $"restart and reboot did not bring it back: {detail}");
                return;
            }

            Alert(drone, $"restart did not bring it back, and it is {kind ?? "of unknown kind"} so the swarm will not reboot it");
            return;
        }

        Alert(drone, "still not heartbeating after restart and reboot");
    }

    /// <summary>Runs one rung; <c>Stop</c> means climbing further is pointless or unsafe (unreachable, wrong machine).</summary>
    private async Task<(bool Ok, string Detail, bool Stop)> TryAsync(
        DroneView drone, string step, Func<RemoteSession, CancellationToken, Task<SshResult>> action, CancellationToken cancellationToken)
    {
        var target = new RemoteTarget(drone.Name, drone.Id, drone.Address, drone.Site, drone.Kind);
        try
        {
            var session = await control.ConnectAsync(target, cancellationToken);
            var result = await action(session, cancellationToken);
            var detail = result.Ok ? $"via {session.Route}" : $"via {session.Route}: {result.Reason}";
            Record(drone, step, result.Ok ? "ok" : "failed", detail, alert: false);
            return (result.Ok, detail, result.ExitCode == IdentityGuard.MismatchExitCode);
        }
        catch (Exception ex) when (ex is RemoteRefusedException or RemoteUnreachableException)
        {
            Record(drone, step, ex is RemoteRefusedException ? "refused" : "unreachable", ex.Message, alert: false);
            return (false, ex.Message, true);
        }
    }

    private string? Kind(DroneView drone) => options.Host(drone.Name).Kind ?? drone.Kind;

    private void Set(DroneView drone, Rung rung, TimeSpan wait) =>
        _ladders[drone.Name] = new LadderState(rung, time.GetUtcNow() + wait);

    private void Alert(DroneView drone, string detail)
    {
        var backoff = TimeSpan.FromMinutes(options.SelfHealing.BackoffMinutes);
        Set(drone, Rung.Alerted, backoff);
        Record(drone, "alert", "alert", $"{detail}; next attempt after {time.GetUtcNow() + backoff:u}", alert: true);
    }

    private void Record(DroneView drone, string step, string outcome, string detail, bool alert) =>
        events.Record(new ControlEvent(time.GetUtcNow(), drone.Name, "self-heal " + step, outcome, detail, alert));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Self-healing check of drone {Drone} failed: {Reason}")]
    private partial void LogCheckFailed(string drone, string reason);

    private enum Rung
    {
        Restarted,
        Rebooted,
        Alerted,
    }

    private sealed record LadderState(Rung Rung, DateTimeOffset NextAt);
}
