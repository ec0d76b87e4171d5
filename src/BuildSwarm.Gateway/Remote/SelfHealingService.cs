using BuildSwarm.Gateway.Fleet;

using BuildSwarm.Remote;
namespace BuildSwarm.Gateway.Remote;

/// <summary>Runs the self-healing ladder over the fleet every <c>Remote:SelfHealing:CheckSeconds</c>.</summary>
public sealed partial class SelfHealingService(RemoteOptions options, FleetRegistry fleet, SelfHealer healer, TimeProvider time, ILogger<SelfHealingService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.SelfHealing.CheckSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, time, stoppingToken);
            try
            {
                var orchestrators = await fleet.OrchestratorsAsync(stoppingToken);
                await healer.CheckAsync(fleet.Drones(orchestrators), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed round must not stop the gateway (an unhandled exception in a hosted service would).
                LogRoundFailed(ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Self-healing round failed: {Reason}")]
    private partial void LogRoundFailed(string reason);
}
