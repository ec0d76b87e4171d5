using System.Net.Http.Headers;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Tests.Security;

/// <summary>Drones played by the test against a real orchestrator's drone API: register with a join token, then call as that drone.</summary>
internal static class SiteDrones
{
    public static async Task<DroneRegistered> RegisterAsync(HttpClient orchestrator, string name, string joinToken, string? nodeId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/orchestrator/drones/register")
        {
            Content = JsonContent.Create(new DroneRegistration(name, 2, 1024, 1, "127.0.0.1", nodeId ?? $"d-{name}", "test", Addresses: ["127.0.0.1"]),
                SwarmJsonContext.Default.DroneRegistration),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", joinToken);
        using var response = await orchestrator.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"register {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneRegistered))!;
    }

    public static async Task<HttpResponseMessage> PostAsync<T>(HttpClient orchestrator, DroneRegistered drone, string path, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/orchestrator/drones/{drone.DroneId}/{path}") { Content = JsonContent.Create(body, type) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", drone.DroneToken);
        return await orchestrator.SendAsync(request);
    }

    public static async Task<JobLease?> WorkAsync(HttpClient orchestrator, DroneRegistered drone)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/orchestrator/drones/{drone.DroneId}/work?wait=5");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", drone.DroneToken);
        using var response = await orchestrator.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"work: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode == System.Net.HttpStatusCode.NoContent ? null : await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JobLease);
    }
}
