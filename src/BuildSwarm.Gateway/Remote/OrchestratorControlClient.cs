using System.Net.Http.Headers;
using BuildSwarm.Core.Contracts;
namespace BuildSwarm.Gateway.Remote;

/// <summary>The gateway's side of the drone channel: asks a drone's orchestrator to hand it a control order.</summary>
public sealed class OrchestratorControlClient(HttpClient http, GatewaySecrets secrets)
{
    public async Task<ControlDelivered> DeliverAsync(string orchestratorUrl, ControlDelivery delivery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{orchestratorUrl.TrimEnd('/')}/api/orchestrator/control")
        {
            Content = JsonContent.Create(delivery, SwarmJsonContext.Default.ControlDelivery),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secrets.ClusterToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(delivery.WaitSeconds + 10));
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new ControlDelivered(false, $"orchestrator answered {(int)response.StatusCode}");
            }

            return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.ControlDelivered, timeout.Token))!;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ControlDelivered(false, $"orchestrator unreachable: {ex.Message}");
        }
    }
}
