using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;

namespace Dispatch;

internal sealed record RunSettings(string Label, string Dll, string Mode, string Shape, int Drones, int Jobs, int Batch, int Warmup);

internal sealed record RunResult(
    RunSettings Settings,
    double Seconds,
    double JobsPerSecond,
    IReadOnlyList<HopSummary> Hops,
    double ServerCpuMsPerJob,
    double DriverCpuMsPerJob,
    string LoadBefore,
    string LoadAfter,
    double RequestsPerJob,
    int Warnings);

/// <summary>One measured run: fresh servers, N registered drones, a warm-up build, the measured builds, the index check.</summary>
internal static class BenchRun
{
    public static readonly string[] ReportedHops = ["submit", "ask→lease", "ask→lease (raw)", "ask→no work", "report building", "report uploading", "upload→published", "report done", "heartbeat"];

    public static async Task<RunResult> ExecuteAsync(RunSettings settings, HttpClient http, CountingHandler counting, CancellationToken cancellationToken)
    {
        await using var servers = await ServerProcesses.StartAsync(settings.Mode, settings.Dll, cancellationToken);
        try
        {
            return await MeasureAsync(settings, servers, http, counting, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Console.Error.WriteLine($"run failed: {ex.Message}\n{servers.LogTail()}");
            throw;
        }
    }

    private static async Task<RunResult> MeasureAsync(RunSettings settings, ServerProcesses servers, HttpClient http, CountingHandler counting,
        CancellationToken cancellationToken)
    {
        var warmup = Enumerable.Range(1, settings.Warmup).Select(i => $"bench-warm/pkg{i:D6}-1.0").ToList();
        var measured = Enumerable.Range(1, settings.Jobs).Select(i => $"bench-dispatch/pkg{i:D6}-1.0").ToList();
        var packages = await PackageStore.CreateAsync([.. warmup, .. measured], cancellationToken);
        var joinToken = await CreateJoinTokenAsync(http, servers, cancellationToken);

        var dependencies = settings.Shape == "chain" ? Chain(warmup).Concat(Chain(measured)).ToDictionary(StringComparer.Ordinal) : [];
        var ready = new ReadyClock(dependencies);
        var phase = new Phase(new LatencyLog(), new RunProgress(warmup.Count), ready);
        var drones = Enumerable.Range(1, settings.Drones)
            .Select(i => new SimulatedDrone(i, http, servers.OrchestratorUrl, joinToken, packages, phase))
            .ToList();
        using (var registering = new SemaphoreSlim(16))
        {
            await Task.WhenAll(drones.Select(async d =>
            {
                await registering.WaitAsync(cancellationToken);
                try
                {
                    await d.RegisterAsync(cancellationToken);
                }
                finally
                {
                    registering.Release();
                }
            }));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = drones.Select(d => d.RunAsync(stop.Token)).ToList();
        try
        {
            if (warmup.Count > 0)
            {
                await SubmitAsync(http, servers, warmup, settings.Shape, settings.Batch, new LatencyLog(), ready, cancellationToken);
                await phase.Progress.Finished.WaitAsync(TimeSpan.FromMinutes(10), cancellationToken);
            }

            var latencies = new LatencyLog();
            var progress = new RunProgress(measured.Count);
            phase.Progress = progress;
            phase.Latencies = latencies;
            var serverCpu = CpuClock.Seconds(servers.Pids);
            var driverCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var loadBefore = CpuClock.LoadAverage();
            var requests = counting.Requests;
            var started = Stopwatch.GetTimestamp();
            await SubmitAsync(http, servers, measured, settings.Shape, settings.Batch, latencies, ready, cancellationToken);
            await progress.Finished.WaitAsync(TimeSpan.FromMinutes(15), cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started, progress.LastPublishedTimestamp).TotalSeconds;
            var serverCpuMs = (CpuClock.Seconds(servers.Pids) - serverCpu) * 1000 / measured.Count;
            var driverCpuMs = (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - driverCpu) * 1000 / measured.Count;
            var loadAfter = CpuClock.LoadAverage();
            var requestsPerJob = (double)(counting.Requests - requests) / measured.Count;
            await stop.CancelAsync();
            await DrainAsync(running);
            await IndexCheck.VerifyAsync(http, servers.GatewayUrl, [.. warmup, .. measured], cancellationToken);
            return new RunResult(settings, seconds, measured.Count / seconds, [.. ReportedHops.Select(latencies.Summary)], serverCpuMs, driverCpuMs,
                loadBefore, loadAfter, requestsPerJob, progress.Warnings);
        }
        finally
        {
            await stop.CancelAsync();
            await DrainAsync(running);
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Chain(List<string> cpvs) =>
        cpvs.Skip(1).Select((cpv, i) => KeyValuePair.Create(cpv, cpvs[i]));

    private static async Task DrainAsync(IEnumerable<Task> running)
    {
        try
        {
            await Task.WhenAll(running);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            // Cancelled long-polls and requests in flight at the end of the run.
        }
    }

    private static async Task<string> CreateJoinTokenAsync(HttpClient http, ServerProcesses servers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{servers.GatewayUrl}/api/gateway/join-tokens")
        {
            Content = JsonContent.Create(new JoinTokenRequest(3600, AutoApprove: true, Note: "dispatch bench"), SwarmJsonContext.Default.JoinTokenRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", servers.AdminToken);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JoinTokenCreated, cancellationToken))!.Token;
    }

    /// <summary>Builds of <paramref name="batch"/> packages, back to back; a chain links each package to the one before it.</summary>
    private static async Task SubmitAsync(HttpClient http, ServerProcesses servers, List<string> cpvs, string shape, int batch, LatencyLog latencies,
        ReadyClock ready, CancellationToken cancellationToken)
    {
        for (var start = 0; start < cpvs.Count; start += batch)
        {
            var packages = cpvs.Skip(start).Take(batch)
                .Select((cpv, i) => new PackageRequest(cpv, shape == "chain" && start + i > 0 ? [cpvs[start + i - 1]] : null))
                .ToList();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{servers.GatewayUrl}/api/gateway/build/submit")
            {
                Content = JsonContent.Create(new SubmitBuildRequest(packages), SwarmJsonContext.Default.SubmitBuildRequest),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", servers.AdminToken);
            var watch = Stopwatch.StartNew();
            using var response = await http.SendAsync(request, cancellationToken);
            latencies.Add("submit", watch.Elapsed.TotalMilliseconds);
            ready.Submitted(packages.Select(p => p.Cpv!), Stopwatch.GetTimestamp());
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"submit: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }
    }
}
