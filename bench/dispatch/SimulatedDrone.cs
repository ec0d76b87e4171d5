using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;

namespace Dispatch;

/// <summary>
/// One drone with one slot, making the requests <c>DroneAgent</c> makes, in its order: register, heartbeat every
/// <c>heartbeatSeconds</c>, and per job: work (long-poll), building, uploading, the package upload, done.
/// </summary>
internal sealed class SimulatedDrone(int index, HttpClient http, string orchestratorUrl, string joinToken, PackageStore packages, Phase phase)
{
    private const int WorkWaitSeconds = 20;
    private const int HeartbeatSeconds = 5;

    private readonly string _nodeId = $"d-bench{index:D10}";
    private DroneRegistered? _session;
    private volatile JobLease? _held;

    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var registration = new DroneRegistration($"bench-drone-{index}", 2, 4096, 1, "127.0.0.1", _nodeId, "0.1.0", ["default"], DroneRole.Normal,
            "bench", ["127.0.0.1"], "container");
        var retry = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{orchestratorUrl}/api/orchestrator/drones/register")
            {
                Content = JsonContent.Create(registration, SwarmJsonContext.Default.DroneRegistration),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", joinToken);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                _session = await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneRegistered, cancellationToken);
                return;
            }

            if ((int)response.StatusCode is 401 or 403)
            {
                throw new InvalidOperationException($"drone {index} refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await Task.Delay(retry, cancellationToken);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(HeartbeatLoopAsync(cancellationToken), SlotLoopAsync(cancellationToken));

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        // Real drones start at different moments; spreading the first beat keeps 500 of them from beating in step.
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(HeartbeatSeconds * 1000)), cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            var held = _held is { } lease ? new List<HeldLeaseReport> { new(lease.LeaseId, lease.JobId, lease.Cpv) } : [];
            var heartbeat = new DroneHeartbeat([.. held.Select(h => h.LeaseId)], CpuClock.Load1(), null, null, held);
            var watch = Stopwatch.StartNew();
            try
            {
                using var response = await PostAsync("heartbeat", heartbeat, SwarmJsonContext.Default.DroneHeartbeat, cancellationToken);
                phase.Latencies.Add("heartbeat", watch.Elapsed.TotalMilliseconds);
                await EnsureAsync(response, "heartbeat", cancellationToken);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                phase.Progress.Warn($"drone {index}: {ex.Message}"); // a real drone logs it and beats again
            }

            var interval = Math.Min(_session!.HeartbeatSeconds, HeartbeatSeconds);
            await Task.Delay(TimeSpan.FromSeconds(interval), cancellationToken);
        }
    }

    private async Task SlotLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await AskAndRunAsync(cancellationToken);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                phase.Progress.Warn($"drone {index}: {ex.Message}"); // as DroneAgent: log, back off, ask again
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private async Task AskAndRunAsync(CancellationToken cancellationToken)
    {
        var asked = Stopwatch.GetTimestamp();
        JobLease? lease;
        using (var response = await PostAsync($"work?wait={WorkWaitSeconds}", new DroneHeartbeat([]), SwarmJsonContext.Default.DroneHeartbeat, cancellationToken))
        {
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                phase.Latencies.Add("ask→no work", Stopwatch.GetElapsedTime(asked).TotalMilliseconds);
                return;
            }

            await EnsureAsync(response, "work", cancellationToken);
            lease = await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JobLease, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            phase.Latencies.Add("ask→lease (raw)", Stopwatch.GetElapsedTime(asked, now).TotalMilliseconds);
            var from = Math.Max(asked, lease is null ? 0 : phase.Ready.ReadyAt(lease.Cpv));
            phase.Latencies.Add("ask→lease", Math.Max(0, Stopwatch.GetElapsedTime(from, now).TotalMilliseconds));
        }

        if (lease is not null)
        {
            await RunJobAsync(lease, cancellationToken);
        }
    }

    private async Task RunJobAsync(JobLease lease, CancellationToken cancellationToken)
    {
        _held = lease;
        var latencies = phase.Latencies; // a warm-up job's last reports stay out of the measured figures
        try
        {
            await ReportAsync(lease, JobState.Building, latencies, cancellationToken);
            var package = packages.For(lease.Cpv);
            await ReportAsync(lease, JobState.Uploading, latencies, cancellationToken);
            await UploadAsync(lease, package, latencies, cancellationToken);
        }
        finally
        {
            _held = null;
            if (!cancellationToken.IsCancellationRequested)
            {
                await ReportAsync(lease, JobState.Done, latencies, cancellationToken);
            }
        }
    }

    private async Task UploadAsync(JobLease lease, BenchPackage package, LatencyLog latencies, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{_session!.GatewayUrl.TrimEnd('/')}/api/gateway/binhost/upload/{lease.JobId}")
        {
            Content = new ByteArrayContent(package.Bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add(UploadHeaders.Lease, lease.LeaseId);
        request.Headers.Add(UploadHeaders.Sha256, package.Sha256);
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, cancellationToken);
        latencies.Add("upload→published", watch.Elapsed.TotalMilliseconds);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            phase.Ready.Published(lease.Cpv, Stopwatch.GetTimestamp());
            phase.Progress.Published(lease.Cpv);
        }
        else
        {
            phase.Progress.Failed($"upload of {lease.Cpv}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private async Task ReportAsync(JobLease lease, JobState state, LatencyLog latencies, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var response = await PostAsync($"jobs/{lease.JobId}/progress", new JobProgress(lease.LeaseId, state), SwarmJsonContext.Default.JobProgress, cancellationToken);
        latencies.Add($"report {state.ToWire()}", watch.Elapsed.TotalMilliseconds);
        if (!response.IsSuccessStatusCode)
        {
            phase.Progress.Warn($"{state.ToWire()} report of {lease.Cpv}: {(int)response.StatusCode}");
        }
    }

    private async Task<HttpResponseMessage> PostAsync<T>(string path, T body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{orchestratorUrl}/api/orchestrator/drones/{_session!.DroneId}/{path}")
        {
            Content = JsonContent.Create(body, type),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _session.DroneToken);
        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
