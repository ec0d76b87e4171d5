using BuildSwarm.Core.Contracts;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator;

/// <summary>
/// Keeps this orchestrator known to the gateway: registers (again, whenever the gateway forgets),
/// reports the site's drones, and renews the leases of drones that are alive.
/// </summary>
public sealed partial class GatewaySync(
    GatewayClient gateway,
    DroneRegistry drones,
    OrchestratorAddress address,
    TimeProvider time,
    IOptions<OrchestratorOptions> options,
    ILogger<GatewaySync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.SyncSeconds));
        var retry = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncOnceAsync(stoppingToken);
                retry = TimeSpan.FromMilliseconds(250);
                await drones.Changed.WaitAsync(interval, time, stoppingToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogGatewayUnreachable(options.Value.GatewayUrl, ex.Message);
                await Task.Delay(retry, time, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, interval.Ticks));
            }
        }
    }

    public async Task SyncOnceAsync(CancellationToken cancellationToken)
    {
        if (gateway.OrchestratorId is null)
        {
            var registered = await gateway.RegisterAsync(address.PublicUrl, cancellationToken);
            gateway.OrchestratorId = registered.OrchestratorId;
            LogRegistered(registered.OrchestratorId, options.Value.GatewayUrl);
        }

        var reply = await gateway.SyncAsync(gateway.OrchestratorId, new OrchestratorSync(drones.Views()), cancellationToken);
        if (reply is null)
        {
            gateway.OrchestratorId = null;
            return;
        }

        drones.ApplyDecisions(reply.Drones);

        var leases = drones.LiveLeases();
        if (leases.Count > 0)
        {
            var renewal = await gateway.RenewAsync(leases, cancellationToken);
            drones.Revoke(renewal.Expired);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with gateway {GatewayUrl} as {OrchestratorId}")]
    private partial void LogRegistered(string orchestratorId, string gatewayUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {GatewayUrl} unreachable: {Reason}")]
    private partial void LogGatewayUnreachable(string gatewayUrl, string reason);
}
