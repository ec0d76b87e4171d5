using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Drone.Builders;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Drone.Control;
using BuildSwarm.Hosting;

namespace BuildSwarm.Drone;

/// <summary>
/// A drone: registers with its site orchestrator, heartbeats, and runs one loop per slot that
/// asks for a job, builds it, uploads the package to the gateway and reports the outcome.
/// </summary>
public sealed partial class DroneAgent(
    DroneOptions options,
    OrchestratorClient orchestrator,
    OrchestratorLocator locator,
    IBuilder builder,
    PortageTree tree,
    DroneControl control,
    TimeProvider time,
    ILogger<DroneAgent> logger,
    LogShipper logs,
    PowerMeter power,
    DroneMetrics metrics) : BackgroundService
{
    private const int WorkWaitSeconds = 20;
    private static readonly TimeSpan UploadGiveUp = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan RefusedRetry = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _registering = new(1, 1);

    /// <summary>Jobs at once: from cores and RAM unless configured; a sweeper builds one job at a time.</summary>
    public int Slots => options.SlotCount();

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
            var url = locator.Current ?? "(discovery)";
            try
            {
                if (orchestrator.Session is not null)
                {
                    return;
                }

                var addresses = DroneAddresses.Detect(options);
                var registration = new DroneRegistration(options.Name, options.Cores, RamMb(), Slots, addresses.Reported,
                    NodeIdentity.LoadOrCreate(options.WorkDir), SwarmVersion.Current, [.. options.EffectiveTargets().Keys.Order(StringComparer.Ordinal)], options.Role,
                    Environment.MachineName, addresses.All, DroneKind.Detect());
                var session = await orchestrator.RegisterAsync(registration, cancellationToken);
                LogRegistered(session.Name ?? options.Name, session.DroneId, orchestrator.SessionUrl!, session.State);
                return;
            }
            catch (NotAdmittedException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Refused by the gateway: asking again soon would only fill its log.
                LogRefused(ex.Status, ex.Message);
                retry = RefusedRetry;
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(url, ex.Message);
                await MoveOnIfUnreachableAsync(ex, cancellationToken);
            }
            finally
            {
                _registering.Release();
            }

            await Task.Delay(retry, time, cancellationToken);
            retry = retry >= RefusedRetry ? RefusedRetry : TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    /// <summary>An orchestrator that does not answer at all (not one that answers with an error) is left for another.</summary>
    private async Task MoveOnIfUnreachableAsync(Exception ex, CancellationToken cancellationToken)
    {
        if (ex is HttpRequestException { StatusCode: null } && (orchestrator.SessionUrl ?? locator.Current) is { } url)
        {
            orchestrator.Forget();
            await locator.FailoverAsync(url, cancellationToken);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureRegisteredAsync(stoppingToken);
                var held = _running.Values.Select(r => new HeldLeaseReport(r.Lease.LeaseId, r.Lease.JobId, r.Lease.Cpv)).ToList();
                var load = LoadAverage();
                var (watts, source) = power.Read(load);
                metrics.Power(watts);
                var reply = await orchestrator.HeartbeatAsync(new DroneHeartbeat(held.Select(h => h.LeaseId).ToList(), load, watts, source, held), stoppingToken);
                foreach (var revoked in reply.Revoked)
                {
                    if (_running.TryGetValue(revoked, out var job))
                    {
                        LogRevoked(revoked);
                        await job.Cancel.CancelAsync();
                    }
                }

                if (reply.Control is { } order)
                {
                    control.Execute(order, NodeIdentity.LoadOrCreate(options.WorkDir));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or NotRegisteredException or NotAdmittedException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(ex.Message);
                await MoveOnIfUnreachableAsync(ex, stoppingToken);
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
            catch (Exception ex) when (ex is HttpRequestException or NotRegisteredException or NotAdmittedException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogWorkFailed(ex.Message);
                await MoveOnIfUnreachableAsync(ex, stoppingToken);
                await Task.Delay(retry, time, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task RunJobAsync(JobLease lease, CancellationToken stoppingToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _running[lease.LeaseId] = new RunningJob(lease, cancel);
        var directory = JobDirectory.Create(options.WorkDir, lease.JobId);
        var started = time.GetTimestamp();
        bool? success = null;
        metrics.Started();
        try
        {
            await ReportAsync(lease, JobState.Building, cancel.Token);
            if (await tree.EnsureAsync(lease.TreeSnapshot, directory.LogFile, cancel.Token) is { } refusal)
            {
                LogBuildFailed(lease.JobId, lease.Cpv, refusal);
                success = false;
                await orchestrator.FailAsync(lease.JobId, new JobFailure(lease.LeaseId, refusal, await CommandBuilder.TailAsync(directory.LogFile)), stoppingToken);
                return;
            }

            BuildOutcome outcome;
            await using (logs.Start(lease, directory.LogFile))
            {
                outcome = await builder.BuildAsync(lease, directory, cancel.Token);
            }

            if (!outcome.Success)
            {
                LogBuildFailed(lease.JobId, lease.Cpv, outcome.Error ?? "unknown");
                success = false;
                // A sweeper is the last word on a package: the whole log goes with its failure.
                var log = options.Role == DroneRole.Sweeper ? await FullLogAsync(directory.LogFile) ?? outcome.LogTail : outcome.LogTail;
                await ReportFailureAsync(lease, outcome.Error ?? "build failed", log, stoppingToken);
                return;
            }

            await ReportAsync(lease, JobState.Uploading, cancel.Token);
            await UploadAsync(lease, outcome.PackageFile!, cancel.Token);
            success = true;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogAbandoned(lease.JobId, lease.Cpv);
        }
        finally
        {
            metrics.Finished(success, time.GetElapsedTime(started));
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
                    await ReportFailureAsync(lease, $"upload refused ({(int)status}): {body}", null, cancellationToken);
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

    private async Task ReportFailureAsync(JobLease lease, string error, string? log, CancellationToken cancellationToken)
    {
        var status = await orchestrator.FailAsync(lease.JobId, new JobFailure(lease.LeaseId, error, log), cancellationToken);
        if (status == HttpStatusCode.Conflict)
        {
            LogFailureDropped(lease.JobId, lease.Cpv);
        }
    }

    private static async Task<string?> FullLogAsync(string logFile)
    {
        const int MaxChars = 8 * 1024 * 1024;
        if (!File.Exists(logFile))
        {
            return null;
        }

        var text = await File.ReadAllTextAsync(logFile);
        return text.Length <= MaxChars ? text : text[^MaxChars..];
    }

    /// <summary>Progress is news, not a condition of the build: a build goes on while its orchestrator is being replaced.</summary>
    private async Task ReportAsync(JobLease lease, JobState state, CancellationToken cancellationToken)
    {
        try
        {
            await orchestrator.ProgressAsync(lease.JobId, new JobProgress(lease.LeaseId, state), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or NotRegisteredException or NotAdmittedException && !cancellationToken.IsCancellationRequested)
        {
            LogProgressLost(lease.JobId, state.ToWire(), ex.Message);
        }
    }

    private async Task ReleaseAsync(JobLease lease)
    {
        try
        {
            await orchestrator.ProgressAsync(lease.JobId, new JobProgress(lease.LeaseId, JobState.Done), CancellationToken.None);
        }
        catch (Exception ex) when (ex is HttpRequestException or NotRegisteredException or NotAdmittedException)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Name} registered as {DroneId} with {OrchestratorUrl}: {State}")]
    private partial void LogRegistered(string name, string droneId, string orchestratorUrl, string state);

    [LoggerMessage(Level = LogLevel.Error, Message = "The gateway refused this drone ({Status}): {Reason}")]
    private partial void LogRefused(int status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report job {JobId} {State}: {Reason}")]
    private partial void LogProgressLost(long jobId, string state, string reason);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Cpv}): the gateway dropped the failure report, the lease is no longer ours")]
    private partial void LogFailureDropped(long jobId, string cpv);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload of job {JobId} will be retried: {Reason}")]
    private partial void LogUploadRetry(long jobId, string reason);
}

internal sealed record RunningJob(JobLease Lease, CancellationTokenSource Cancel);
