using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using BuildSwarm.Binhost;
using BuildSwarm.Configuration;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Drone;

/// <summary>The drone's side of the orchestrator API, plus uploads straight to the gateway.</summary>
public sealed class OrchestratorClient(HttpClient http, DroneOptions options)
{
    private DroneRegistered? _session;

    public DroneRegistered? Session => _session;

    public async Task<DroneRegistered> RegisterAsync(DroneRegistration registration, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("api/orchestrator/drones/register"))
        {
            Content = JsonContent.Create(registration, SwarmJsonContext.Default.DroneRegistration),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.JoinToken);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        _session = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneRegistered, cancellationToken))!;
        return _session;
    }

    public void Forget() => _session = null;

    public async Task<DroneHeartbeatReply> HeartbeatAsync(DroneHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("heartbeat", heartbeat, SwarmJsonContext.Default.DroneHeartbeat, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneHeartbeatReply, cancellationToken))!;
    }

    /// <summary>Asks for one job, waiting up to <paramref name="waitSeconds"/>; null when there is none.</summary>
    public async Task<JobLease?> WorkAsync(int waitSeconds, CancellationToken cancellationToken)
    {
        using var response = await SendAsync($"work?wait={waitSeconds}", new DroneHeartbeat([]), SwarmJsonContext.Default.DroneHeartbeat, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        await EnsureAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JobLease, cancellationToken);
    }

    public async Task<HttpStatusCode> ProgressAsync(long jobId, JobProgress progress, CancellationToken cancellationToken)
    {
        using var response = await SendAsync($"jobs/{jobId}/progress", progress, SwarmJsonContext.Default.JobProgress, cancellationToken);
        return response.StatusCode;
    }

    public async Task<HttpStatusCode> FailAsync(long jobId, JobFailure failure, CancellationToken cancellationToken)
    {
        using var response = await SendAsync($"jobs/{jobId}/fail", failure, SwarmJsonContext.Default.JobFailure, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>Streams the package to the gateway with its SHA-256; returns the status and problem detail.</summary>
    public async Task<(HttpStatusCode Status, string Body)> UploadAsync(JobLease lease, string file, string sha256, CancellationToken cancellationToken)
    {
        var session = _session ?? throw new InvalidOperationException("not registered");
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{session.GatewayUrl.TrimEnd('/')}/api/gateway/binhost/upload/{lease.JobId}")
        {
            Content = new StreamContent(stream, 81920),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentLength = stream.Length;
        request.Headers.Add(BinhostEndpoints.LeaseHeader, lease.LeaseId);
        request.Headers.Add(BinhostEndpoints.Sha256Header, sha256);
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private async Task<HttpResponseMessage> SendAsync<T>(string path, T body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var session = _session ?? throw new NotRegisteredException();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url($"api/orchestrator/drones/{session.DroneId}/{path}"))
        {
            Content = JsonContent.Create(body, type),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.DroneToken);
        var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The orchestrator restarted or forgot us: register again before the next call.
            _session = null;
            response.Dispose();
            throw new NotRegisteredException();
        }

        return response;
    }

    private Uri Url(string path) => new($"{options.OrchestratorUrl.TrimEnd('/')}/{path}");

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }
    }
}

public sealed class NotRegisteredException() : Exception("this drone is not registered with its orchestrator");
