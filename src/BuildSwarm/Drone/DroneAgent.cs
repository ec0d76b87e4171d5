using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using BuildSwarm.Configuration;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Drone.Builders;
using BuildSwarm.Gateway;

namespace BuildSwarm.Drone;

/// <summary>
/// A drone: registers with its site orchestrator, heartbeats, and runs one loop per slot that
/// asks for a job, builds it, uploads the package to the gateway and reports the outcome.
/// </summary>
public sealed partial class DroneAgent(
    DroneOptions options,
    OrchestratorClient orchestrator,
    IBuilder builder,
    Remote.DroneControl control,
    TimeProvider time,
    ILogger<DroneAgent> logger) : BackgroundService
{
    private const int WorkWaitSeconds = 20;
    private static readonly TimeSpan UploadGiveUp = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _registering = new(1, 1);

    public int Slots => options.Slots > 0 ? options.Slots : Math.Max(1, options.Cores / 4);

    public override void Dispose()
    {
        _registering.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = Enumerable.Range(0, Slots).Select(_ => SlotLoopAsync(stoppingToken));
        await Task.WhenAll([HeartbeatLoopAsync(stoppingToken), .. slots]);
    }

    private async Task EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        var retry = TimeSpan.FromMilliseconds(200);
        while (orchestrator.Session is null)
        {
            await _registering.WaitAsync(cancellationToken);
            try
            {
                if (orchestrator.Session is not null)
                {
                    return;
                }

                var registration = new DroneRegistration(options.Name, options.Cores, RamMb(), Slots, options.ReportIp,
                    NodeIdentity.LoadOrCreate(options.WorkDir), SwarmVersion.Current, Remote.DroneKind.Detect());
                var session = await orchestrator.RegisterAsync(registration, cancellationToken);
                LogRegistered(options.Name, session.DroneId, options.OrchestratorUrl);
                return;
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(options.OrchestratorUrl, ex.Message);
            }
            finally
            {
                _registering.Release();
            }

            await Task.Delay(retry, time, cancellationToken);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureRegisteredAsync(stoppingToken);
                var reply = await orchestrator.HeartbeatAsync(new DroneHeartbeat(_running.Keys.ToList(), LoadAverage()), stoppingToken);
                foreach (var revoked in reply.Revoked)
                {
                    if (_running.TryGetValue(revoked, out var cancel))
                    {
                        LogRevoked(revoked);
                        await cancel.CancelAsync();
                    }
                }

                if (reply.Control is { } order)
                {
                    control.Execute(order, NodeIdentity.LoadOrCreate(options.WorkDir));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or NotRegisteredException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(ex.Message);
            }

            var interval = orchestrator.Session?.HeartbeatSeconds ?? options.HeartbeatSeconds;
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(interval, options.HeartbeatSeconds)), time, stoppingToken);
        }
    }

    private async Task SlotLoopAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureRegisteredAsync(stoppingToken);
                var lease = await orchestrator.WorkAsync(WorkWaitSeconds, stoppingToken);
                retry = TimeSpan.FromMilliseconds(200);
                if (lease is not null)
                {
                    await RunJobAsync(lease, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or NotRegisteredException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogWorkFailed(ex.Message);
                await Task.Delay(retry, time, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task RunJobAsync(JobLease lease, CancellationToken stoppingToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _running[lease.LeaseId] = cancel;
        var directory = JobDirectory.Create(options.WorkDir, lease.JobId);
        try
        {
            await orchestrator.ProgressAsync(lease.JobId, new JobProgress(lease.LeaseId, JobState.Building), cancel.Token);
            var outcome = await builder.BuildAsync(lease, directory, cancel.Token);
            if (!outcome.Success)
            {
                LogBuildFailed(lease.JobId, lease.Cpv, outcome.Error ?? "unknown");
                await orchestrator.FailAsync(lease.JobId, new JobFailure(lease.LeaseId, outcome.Error ?? "build failed", outcome.LogTail), stoppingToken);
                return;
            }

            await orchestrator.ProgressAsync(lease.JobId, new JobProgress(lease.LeaseId, JobState.Uploading), cancel.Token);
            await UploadAsync(lease, outcome.PackageFile!, cancel.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogAbandoned(lease.JobId, lease.Cpv);
        }
        finally
        {
            _running.TryRemove(lease.LeaseId, out _);
            await ReleaseAsync(lease);
            if (Directory.Exists(directory.Root))
            {
                Directory.Delete(directory.Root, recursive: true);
            }
        }
    }

    /// <summary>Uploads until the gateway takes or refuses the package; a gateway restart only delays it.</summary>
    private async Task UploadAsync(JobLease lease, string file, CancellationToken cancellationToken)
    {
        string sha256;
        await using (var stream = File.OpenRead(file))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        var giveUp = time.GetUtcNow() + UploadGiveUp;
        var retry = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                var (status, body) = await orchestrator.UploadAsync(lease, file, sha256, cancellationToken);
                if (status == HttpStatusCode.Created)
                {
                    LogUploaded(lease.JobId, lease.Cpv);
                    return;
                }

                if (status == HttpStatusCode.Conflict)
                {
                    LogStale(lease.JobId, lease.Cpv);
                    return;
                }

                if ((int)status is >= 400 and < 500)
                {
                    await orchestrator.FailAsync(lease.JobId, new JobFailure(lease.LeaseId, $"upload refused ({(int)status}): {body}"), cancellationToken);
                    return;
                }

                LogUploadRetry(lease.JobId, $"{(int)status}");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                LogUploadRetry(lease.JobId, ex.Message);
            }

            if (time.GetUtcNow() > giveUp)
            {
                throw new HttpRequestException($"gave up uploading job {lease.JobId} after {UploadGiveUp.TotalMinutes} minutes");
            }

            await Task.Delay(retry, time, cancellationToken);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private async Task ReleaseAsync(JobLease lease)
    {
        try
        {
            await orchestrator.ProgressAsync(lease.JobId, new JobProgress(lease.LeaseId, JobState.Done), CancellationToken.None);
        }
        catch (Exception ex) when (ex is HttpRequestException or NotRegisteredException)
        {
            // The orchestrator drops leases that heartbeats stop mentioning.
        }
    }

    private static long RamMb() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024);

    private static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg").Split(' ');
            return double.Parse(text[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Name} registered as {DroneId} with {OrchestratorUrl}")]
    private partial void LogRegistered(string name, string droneId, string orchestratorUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Orchestrator {OrchestratorUrl} unreachable: {Reason}")]
    private partial void LogUnreachable(string orchestratorUrl, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat failed: {Reason}")]
    private partial void LogHeartbeatFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking for work failed: {Reason}")]
    private partial void LogWorkFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {LeaseId} was revoked; stopping its job")]
    private partial void LogRevoked(string leaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Cpv}) failed: {Error}")]
    private partial void LogBuildFailed(long jobId, string cpv, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Cpv}) abandoned: its lease is gone")]
    private partial void LogAbandoned(long jobId, string cpv);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Cpv}) uploaded")]
    private partial void LogUploaded(long jobId, string cpv);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Cpv}) was already completed elsewhere; upload dropped")]
    private partial void LogStale(long jobId, string cpv);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload of job {JobId} will be retried: {Reason}")]
    private partial void LogUploadRetry(long jobId, string reason);
}
