namespace BuildSwarm.Gateway.Jobs;

/// <summary>Returns jobs whose lease deadline passed to the ready queue.</summary>
public sealed partial class LeaseReaper(JobStore jobs, TimeProvider time, ILogger<LeaseReaper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await jobs.ExpireLeasesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReapFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Expiring leases failed")]
    private partial void LogReapFailed(Exception ex);
}
