using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Hardening;

/// <summary>Issue 17: a null where an array element belongs is a 400 naming the element, never a 500.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class NullElementTests
{
    [Theory]
    [InlineData("{\"leaseIds\": [null], \"load1\": 0}", "leaseIds[0]")]
    [InlineData("{\"leaseIds\": [\"a\", null], \"load1\": 0}", "leaseIds[1]")]
    [InlineData("{\"leaseIds\": [], \"load1\": 0, \"held\": [null]}", "held[0]")]
    public async Task A_heartbeat_with_a_null_array_element_is_400_naming_it(string body, string field)
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var ct = TestContext.Current.CancellationToken;
        using var orchestrator = new HttpClient { BaseAddress = new Uri(swarm.OrchestratorUrl + "/") };
        using var register = new HttpRequestMessage(HttpMethod.Post, "api/orchestrator/drones/register")
        {
            Content = JsonContent.Create(new DroneRegistration("nully", 2, 1024, 1), SwarmJsonContext.Default.DroneRegistration),
        };
        register.Headers.Authorization = new AuthenticationHeaderValue("Bearer", swarm.JoinToken);
        using var registered = await orchestrator.SendAsync(register, ct);
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync(ct));
        var drone = (await registered.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneRegistered, ct))!;

        using var heartbeat = new HttpRequestMessage(HttpMethod.Post, $"api/orchestrator/drones/{drone.DroneId}/heartbeat")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        heartbeat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", drone.DroneToken);
        using var response = await orchestrator.SendAsync(heartbeat, ct);

        await AssertNamedAsync(response, field);
        Assert.DoesNotContain("Exception", swarm.Orchestrator!.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"drones\": [null]}", "drones[0]")]
    [InlineData("{\"drones\": [{\"id\": \"d1\", \"name\": \"d1\", \"site\": \"s\", \"cores\": 1, \"ramMb\": 1, \"slots\": 1, \"state\": \"online\", \"address\": \"10.0.0.1\", \"jobs\": [null], \"lastSeen\": \"2026-01-01T00:00:00Z\"}]}", "drones[0].jobs[0]")]
    public async Task A_sync_with_a_null_array_element_is_400_naming_it(string body, string field)
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var id = await FleetSync.RegisterAsync(gateway.Cluster, "site-a");

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await gateway.Cluster.PostAsync($"api/gateway/orchestrators/{id}/sync", content, TestContext.Current.CancellationToken);

        await AssertNamedAsync(response, field);
    }

    private static async Task AssertNamedAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no error for '{field}' in {text}");
        Assert.Contains("null", messages[0].GetString(), StringComparison.Ordinal);
    }
}
