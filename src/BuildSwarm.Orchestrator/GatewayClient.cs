using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting.Http;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator;

/// <summary>The orchestrator's side of the gateway API, authenticated with the cluster token.</summary>
public sealed class GatewayClient
{
    private readonly HttpClient _http;
    private readonly OrchestratorOptions _options;

    public GatewayClient(HttpClient http, IOptions<OrchestratorOptions> options)
    {
        _options = options.Value;
        _http = http;
        _http.BaseAddress = new Uri(_options.GatewayUrl.TrimEnd('/') + "/");
        _http.Timeout = TimeSpan.FromSeconds(40);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.GatewayToken);
    }

    /// <summary>Set after registration; null while the gateway does not know us.</summary>
    public string? OrchestratorId { get; set; }

    public async Task<OrchestratorRegistered> RegisterAsync(string publicUrl, CancellationToken cancellationToken) =>
        (await PostAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration(_options.Name, _options.Site, publicUrl, _options.Role),
            SwarmJsonContext.Default.OrchestratorRegistration, SwarmJsonContext.Default.OrchestratorRegistered, cancellationToken))!;

    /// <summary>Null when the gateway has forgotten this orchestrator; otherwise its decisions on the drones reported.</summary>
    public async Task<OrchestratorSyncReply?> SyncAsync(string orchestratorId, OrchestratorSync sync, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"api/gateway/orchestrators/{orchestratorId}/sync", sync, SwarmJsonContext.Default.OrchestratorSync, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return response.StatusCode == HttpStatusCode.NoContent
            ? new OrchestratorSyncReply([])
            : await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorSyncReply, cancellationToken);
    }

    /// <summary>Asks the gateway to admit a drone; a refusal comes back as the gateway's status, title and detail.</summary>
    public async Task<(DroneAdmission? Admission, int Status, string Title, string Detail)> AdmitAsync(DroneAdmissionRequest request, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("api/gateway/drones/admit", request, SwarmJsonContext.Default.DroneAdmissionRequest, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneAdmission, cancellationToken), 200, "", "");
        }

        var problem = await ProblemText.ReadProblemAsync(response, cancellationToken);
        return (null, problem.Status, problem.Title ?? response.ReasonPhrase ?? "Refused", problem.Detail ?? problem.Body);
    }

    public async Task<IReadOnlyList<JobLease>> LeaseAsync(LeaseRequest request, int waitSeconds, CancellationToken cancellationToken) =>
        (await PostAsync($"api/gateway/jobs/lease?wait={waitSeconds}", request, SwarmJsonContext.Default.LeaseRequest, SwarmJsonContext.Default.LeaseReply, cancellationToken))!.Leases;

    public async Task<LeaseRenewalReply> RenewAsync(IReadOnlyList<string> leaseIds, CancellationToken cancellationToken) =>
        (await PostAsync("api/gateway/jobs/renew", new LeaseRenewal(leaseIds), SwarmJsonContext.Default.LeaseRenewal, SwarmJsonContext.Default.LeaseRenewalReply, cancellationToken))!;

    /// <summary>Whether the gateway issued this control order through its admin path (and it was not used before).</summary>
    public async Task<(bool Confirmed, string Detail)> ConfirmControlAsync(ControlDelivery delivery, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("api/gateway/control/confirm", delivery, SwarmJsonContext.Default.ControlDelivery, cancellationToken);
        return response.IsSuccessStatusCode
            ? (true, "")
            : (false, (await ProblemText.ReadProblemAsync(response, cancellationToken)).Text);
    }

    /// <summary>Forwards a drone's report; the gateway's status code and problem detail are passed back to the drone.</summary>
    public async Task<(HttpStatusCode Status, string? Detail)> ForwardAsync<T>(string path, T body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(path, body, type, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return (response.StatusCode, null);
        }

        return (response.StatusCode, (await ProblemText.ReadProblemAsync(response, cancellationToken)).Detail);
    }

    private async Task<TResponse?> PostAsync<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(path, body, requestType, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && path.Contains("/lease", StringComparison.Ordinal))
        {
            OrchestratorId = null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken);
    }
}
