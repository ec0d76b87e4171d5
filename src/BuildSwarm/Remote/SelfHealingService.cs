using BuildSwarm.Fleet;

namespace BuildSwarm.Remote;

/// <summary>Runs the self-healing ladder over the fleet every <c>Remote:SelfHealing:CheckSeconds</c>.</summary>
public sealed class SelfHealingService(RemoteOptions options, FleetRegistry fleet, SelfHealer healer, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.SelfHealing.CheckSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, time, stoppingToken);
            var orchestrators = await fleet.OrchestratorsAsync(stoppingToken);
            await healer.CheckAsync(fleet.Drones(orchestrators), stoppingToken);
        }
    }
}
