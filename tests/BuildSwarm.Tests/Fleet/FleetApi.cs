using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>What an orchestrator and an operator say to a gateway about drones, over the real API.</summary>
internal static class FleetApi
{
    public static DroneRegistration Drone(string name, string nodeId, string? reportIp = "192.168.50.7") =>
        new(name, 8, 16_000, 2, reportIp, nodeId, "test", HostName: $"{name}-host", Addresses: reportIp is null ? [] : [reportIp]);

    public static async Task<JoinTokenCreated> TokenAsync(InProcessGateway gateway, JoinTokenRequest request)
    {
        using var response = await gateway.Admin.PostAsJsonAsync("api/gateway/join-tokens", request, SwarmJsonContext.Default.JoinTokenRequest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JoinTokenCreated))!;
    }

    /// <summary>Admits as an orchestrator would; returns the status and, when admitted, the answer.</summary>
    public static async Task<(HttpStatusCode Status, DroneAdmission? Admission, string Body)> AdmitAsync(
        InProcessGateway gateway, DroneRegistration drone, string secret, string? observed = "192.168.50.7")
    {
        using var response = await gateway.Cluster.PostAsJsonAsync("api/gateway/drones/admit",
            new DroneAdmissionRequest(drone, secret, observed, ["10.99.0.1"], "lab"), SwarmJsonContext.Default.DroneAdmissionRequest);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? (response.StatusCode, System.Text.Json.JsonSerializer.Deserialize(body, SwarmJsonContext.Default.DroneAdmission), body)
            : (response.StatusCode, null, body);
    }

    public static async Task<IReadOnlyList<FleetDrone>> ListAsync(InProcessGateway gateway) =>
        (await gateway.Admin.GetFromJsonAsync("api/gateway/drones", SwarmJsonContext.Default.IReadOnlyListFleetDrone))!;
}
