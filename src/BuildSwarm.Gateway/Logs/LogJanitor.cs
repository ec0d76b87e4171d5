using System.Globalization;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Logs;

/// <summary>Deletes logs of done jobs after the retention; logs of failed (and all other) jobs stay.</summary>
public sealed partial class LogJanitor(LogStore logs, JobTables jobs, TimeProvider time, IOptions<GatewayOptions> options, ILogger<LogJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(5), time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
            {
                LogSweepFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var retention = TimeSpan.FromHours(Math.Max(0, options.Value.Logs.DoneRetentionHours));
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(logs.Directory, "*.log"))
        {
            if (!long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var jobId))
            {
                continue;
            }

            var job = await jobs.LogInfoAsync(jobId, cancellationToken);
            if (job is { State: JobState.Done } && time.GetUtcNow() - job.UpdatedAt >= retention)
            {
                logs.Delete(jobId);
                deleted++;
            }
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping old build logs failed")]
    private partial void LogSweepFailed(Exception ex);
}
