using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Energy;
using BuildSwarm.Gateway.Storage;
namespace BuildSwarm.Gateway.Events;

/// <summary>
/// Sees every orchestrator sync: turns the difference between its last two drone lists into drone
/// events, and feeds the drones' power to the energy ledger.
/// </summary>
public sealed partial class FleetMonitor(IEventSink events, EnergyLedger energy, JobTables jobs, ILogger<FleetMonitor> logger)
{
    public Task RegisteredAsync(string orchestratorId, OrchestratorRegistration registration) =>
        events.PublishAsync(SwarmEvents.Draft("orchestrator.registered", drone: registration.Name,
            state: registration.Role, detail: $"{registration.Site} {orchestratorId} {registration.Url}"));

    public async Task SyncedAsync(IReadOnlyList<DroneView>? before, IReadOnlyList<DroneView> after, CancellationToken cancellationToken)
    {
        await events.PublishAsync([.. Diff(before ?? [], after)]);
        try
        {
            var running = await jobs.RunningByDroneAsync(cancellationToken);
            foreach (var drone in after)
            {
                if (drone.State is "offline" or "pending" or "rejected")
                {
                    energy.Integrator.Offline(drone.Id);
                }
                else
                {
                    energy.Integrator.Report(drone.Id, drone.Watts, [.. (running.GetValueOrDefault(drone.Name) ?? []).Select(j => new JobRef(j.JobId, j.BuildId, j.Cpv))]);
                }
            }

            foreach (var gone in (before ?? []).Where(b => after.All(a => a.Id != b.Id)))
            {
                energy.Integrator.Offline(gone.Id);
            }

            await energy.SaveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException)
        {
            LogEnergyFailed(ex);
        }
    }

    /// <summary>Events for drones that appeared, vanished or changed state between two syncs.</summary>
    public static IEnumerable<SwarmEvent> Diff(IReadOnlyList<DroneView> before, IReadOnlyList<DroneView> after)
    {
        var old = before.ToDictionary(d => d.Id, StringComparer.Ordinal);
        foreach (var drone in after)
        {
            var detail = $"{drone.Site}, {drone.Cores} cores";
            if (!old.Remove(drone.Id, out var was))
            {
                yield return SwarmEvents.Draft(TypeFor(drone.State, joined: true), drone: drone.Name, state: drone.State, detail: detail);
            }
            else if (was.State != drone.State)
            {
                var type = was.State == "offline" && drone.State is "online" or "building" ? "drone.joined" : TypeFor(drone.State, joined: false);
                yield return SwarmEvents.Draft(type, drone: drone.Name, state: drone.State, detail: $"{detail}, was {was.State}");
            }
        }

        foreach (var gone in old.Values)
        {
            yield return SwarmEvents.Draft("drone.left", drone: gone.Name, state: "gone", detail: $"{gone.Site}, no longer reported");
        }
    }

    private static string TypeFor(string state, bool joined) => state switch
    {
        "pending" => "drone.pending",
        "flagged" => "drone.flagged",
        "offline" => "drone.left",
        _ => joined ? "drone.joined" : "drone.state",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Energy accounting failed for one sync")]
    private partial void LogEnergyFailed(Exception ex);
}
