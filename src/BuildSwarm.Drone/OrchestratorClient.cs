using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Drone;

/// <summary>The drone's side of the orchestrator API, plus uploads straight to the gateway.</summary>
public sealed class OrchestratorClient(HttpClient http, DroneOptions options, OrchestratorLocator locator)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    // One reference, so the session and the orchestrator it is with are always read together.
    private SessionState? _state;
    private string? _gatewayUrl;

    public DroneRegistered? Session => _state?.Registered;

    /// <summary>The orchestrator this drone's session is with.</summary>
    public string? SessionUrl => _state?.Url;

    /// <summary>
    /// Registers with the current orchestrator: with the drone's own credential when it has one, else (or when the
    /// gateway no longer takes the credential) with the join token. A new credential is saved before anything else.
    /// </summary>
    public async Task<DroneRegistered> RegisterAsync(DroneRegistration registration, CancellationToken cancellationToken)
    {
        var url = await locator.CurrentAsync(cancellationToken);
        var credential = DroneCredential.Load(options.WorkDir);
        var secret = credential ?? options.JoinToken
            ?? throw new NotAdmittedException(401, "this drone has neither a credential nor a join token: set Drone:JoinToken (from 'build-swarm token create')");
        var (status, session, problem) = await TryRegisterAsync(url, registration, secret, cancellationToken);
        if (status == HttpStatusCode.Unauthorized && credential is not null && options.JoinToken is { Length: > 0 } joinToken)
        {
            (status, session, problem) = await TryRegisterAsync(url, registration, joinToken, cancellationToken);
        }

        if (session is null)
        {
            throw (int)status is 401 or 403 ? new NotAdmittedException((int)status, problem) : new HttpRequestException($"{(int)status}: {problem}", null, status);
        }

        if (session.Credential is { Length: > 0 } issued)
        {
            DroneCredential.Save(options.WorkDir, issued);
        }

        _gatewayUrl = session.GatewayUrl;
        _state = new SessionState(session, url);
        return session;
    }

    private async Task<(HttpStatusCode Status, DroneRegistered? Session, string Problem)> TryRegisterAsync(string url, DroneRegistration registration, string secret, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/api/orchestrator/drones/register")
        {
            Content = JsonContent.Create(registration, SwarmJsonContext.Default.DroneRegistration),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await WithTimeoutAsync(url, CallTimeout, ct => http.SendAsync(request, ct), cancellationToken);
        return response.IsSuccessStatusCode
            ? (response.StatusCode, await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneRegistered, cancellationToken), "")
            : (response.StatusCode, null, await ProblemText.ReadAsync(response, cancellationToken));
    }

    public void Forget() => _state = null;

    public async Task<DroneHeartbeatReply> HeartbeatAsync(DroneHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("heartbeat", heartbeat, SwarmJsonContext.Default.DroneHeartbeat, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneHeartbeatReply, cancellationToken))!;
    }

    /// <summary>Asks for one job, waiting up to <paramref name="waitSeconds"/>; null when there is none.</summary>
    public async Task<JobLease?> WorkAsync(int waitSeconds, CancellationToken cancellationToken)
    {
        using var response = await SendAsync($"work?wait={waitSeconds}", new DroneHeartbeat([]), SwarmJsonContext.Default.DroneHeartbeat, cancellationToken,
            CallTimeout + TimeSpan.FromSeconds(waitSeconds));
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
        // Uploads go straight to the gateway, so a drone between orchestrators still delivers what it built.
        var gatewayUrl = _gatewayUrl ?? throw new NotRegisteredException();
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{gatewayUrl.TrimEnd('/')}/api/gateway/binhost/upload/{lease.JobId}")
        {
            Content = new StreamContent(stream, 81920),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentLength = stream.Length;
        request.Headers.Add(UploadHeaders.Lease, lease.LeaseId);
        request.Headers.Add(UploadHeaders.Sha256, sha256);
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private async Task<HttpResponseMessage> SendAsync<T>(string path, T body, JsonTypeInfo<T> type, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var (session, url) = _state ?? throw new NotRegisteredException();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/api/orchestrator/drones/{session.DroneId}/{path}")
        {
            Content = JsonContent.Create(body, type),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.DroneToken);
        var response = await WithTimeoutAsync(url, timeout ?? CallTimeout, ct => http.SendAsync(request, ct), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The orchestrator restarted or forgot us: register again before the next call.
            Forget();
            response.Dispose();
            throw new NotRegisteredException();
        }

        if (response.StatusCode == HttpStatusCode.Forbidden && !path.StartsWith("work", StringComparison.Ordinal))
        {
            // Rejected or revoked on the gateway: say so, and register again later (to be refused, or let back in).
            var problem = await ProblemText.ReadAsync(response, cancellationToken);
            Forget();
            response.Dispose();
            throw new NotAdmittedException(403, problem);
        }

        return response;
    }

    /// <summary>A call that takes longer than <paramref name="timeout"/> counts as an orchestrator that does not answer.</summary>
    private static async Task<TResult> WithTimeoutAsync<TResult>(string url, TimeSpan timeout, Func<CancellationToken, Task<TResult>> call, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await call(cts.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"orchestrator {url} did not answer within {timeout.TotalSeconds:0}s", ex);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }
    }
}

internal sealed record SessionState(DroneRegistered Registered, string Url);

public sealed class NotRegisteredException() : Exception("this drone is not registered with its orchestrator");

/// <summary>The gateway refused this drone (401: no valid join token or credential; 403: rejected or revoked).</summary>
public sealed class NotAdmittedException(int status, string detail) : Exception(detail)
{
    public int Status { get; } = status;
}
