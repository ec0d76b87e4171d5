using System.Globalization;
using System.Net;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Drone.Configuration;

namespace BuildSwarm.Drone;

/// <summary>
/// Ships a running job's log to the gateway as the builder writes it: tails the file and POSTs
/// the new bytes to <c>/api/gateway/jobs/{id}/log</c> with the lease id as the credential,
/// straight to the gateway like the package upload. Shipping is best effort: a gateway that is
/// away only delays it, and a build never waits for its log.
/// </summary>
public sealed partial class LogShipper(HttpClient http, OrchestratorClient orchestrator, DroneOptions options, TimeProvider time, ILogger<LogShipper> logger)
{
    private const int ChunkBytes = 256 * 1024;

    private TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(0.1, options.LogShipSeconds));

    private TimeProvider Time => time;
    private static readonly TimeSpan FinalFlushLimit = TimeSpan.FromSeconds(15);

    /// <summary>Starts tailing <paramref name="logFile"/>; disposing it ships what is left and stops.</summary>
    public IAsyncDisposable Start(JobLease lease, string logFile)
    {
        var shipping = new Shipping(this, lease, logFile);
        shipping.Loop = shipping.RunAsync();
        return shipping;
    }

    /// <summary>Sends what the file has beyond <paramref name="offset"/>; returns the new offset.</summary>
    private async Task<long> ShipAsync(JobLease lease, string logFile, long offset, CancellationToken cancellationToken)
    {
        if (orchestrator.Session is not { } session || !File.Exists(logFile))
        {
            return offset;
        }

        var buffer = new byte[ChunkBytes];
        while (true)
        {
            int read;
            await using (var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                if (stream.Length <= offset)
                {
                    return offset;
                }

                stream.Position = offset;
                read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            }

            var url = $"{session.GatewayUrl.TrimEnd('/')}/api/gateway/jobs/{lease.JobId}/log?lease={Uri.EscapeDataString(lease.LeaseId)}&offset={offset}";
            using var content = new ByteArrayContent(buffer, 0, read);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
            using var response = await http.PostAsync(url, content, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Conflict
                && long.TryParse(response.Headers.TryGetValues("X-Log-Offset", out var values) ? values.FirstOrDefault() : null, NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
            {
                offset = expected; // the gateway lost or skipped bytes: continue from where it is
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                LogRefused(lease.JobId, (int)response.StatusCode);
                return offset;
            }

            offset += read;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Log of job {JobId} not shipped: {Reason}")]
    private partial void LogNotShipped(long jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway refused the log of job {JobId} ({Status})")]
    private partial void LogRefused(long jobId, int status);

    private sealed class Shipping(LogShipper owner, JobLease lease, string logFile) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private long _offset;

        public Task Loop { get; set; } = Task.CompletedTask;

        public async Task RunAsync()
        {
            var interval = owner.Interval;
            while (!_stop.IsCancellationRequested)
            {
                await TryShipAsync(_stop.Token);
                try
                {
                    await Task.Delay(interval, owner.Time, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Loop;
            using var limit = new CancellationTokenSource(FinalFlushLimit, owner.Time);
            await TryShipAsync(limit.Token);
            _stop.Dispose();
        }

        private async Task TryShipAsync(CancellationToken cancellationToken)
        {
            try
            {
                _offset = await owner.ShipAsync(lease, logFile, _offset, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                owner.LogNotShipped(lease.JobId, ex.Message);
            }
        }
    }
}
