using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;
using BuildSwarm.Tests.Security;

namespace BuildSwarm.Tests.Hardening;

/// <summary>
/// Issue 17: a null for a whole field the contract does not make optional (<c>"leaseIds": null</c>, a null nested
/// object) is a 400 naming the field, on every request contract of both roles; never a 500.
/// </summary>
public sealed class NullFieldTests
{
    private const string Drone = "\"name\":\"n\",\"cores\":1,\"ramMb\":1,\"slots\":1";
    private const string View = "\"id\":\"d1\",\"name\":\"d1\",\"site\":\"s\",\"cores\":1,\"ramMb\":1,\"slots\":1,\"state\":\"online\",\"jobs\":[],\"lastSeen\":\"2026-01-01T00:00:00Z\"";

    /// <summary>Role, token, path, body, the field the 400 must name.</summary>
    private static readonly (string Role, string Token, string Path, string Body, string Field)[] Cases =
    [
        ("gateway", "cluster", "api/gateway/jobs/renew", "{\"leaseIds\":null}", "leaseIds"),
        ("gateway", "cluster", "api/gateway/jobs/renew", "{}", "leaseIds"),
        ("gateway", "cluster", "api/gateway/orchestrators/o-1/sync", "{\"drones\":null}", "drones"),
        ("gateway", "cluster", "api/gateway/orchestrators/o-1/sync", $"{{\"drones\":[{{{View.Replace("\"jobs\":[]", "\"jobs\":null", StringComparison.Ordinal)}}}]}}", "drones[0].jobs"),
        ("gateway", "cluster", "api/gateway/orchestrators/o-1/sync", $"{{\"drones\":[{{{View.Replace("\"site\":\"s\"", "\"site\":null", StringComparison.Ordinal)}}}]}}", "drones[0].site"),
        ("gateway", "cluster", "api/gateway/orchestrators/register", "{\"name\":null,\"site\":\"s\",\"url\":\"http://x\"}", "name"),
        ("gateway", "cluster", "api/gateway/jobs/lease", "{\"orchestratorId\":null,\"droneId\":\"d\",\"droneName\":\"d\"}", "orchestratorId"),
        ("gateway", "cluster", "api/gateway/jobs/lease", "{\"orchestratorId\":\"o\",\"droneId\":\"d\",\"droneName\":\"d\",\"targets\":[null]}", "targets[0]"),
        ("gateway", "cluster", "api/gateway/jobs/1/progress", "{\"leaseId\":null,\"state\":\"building\"}", "leaseId"),
        ("gateway", "cluster", "api/gateway/jobs/1/fail", "{\"leaseId\":\"l\",\"error\":null}", "error"),
        ("gateway", "cluster", "api/gateway/drones/admit", "{\"registration\":null,\"secret\":\"s\",\"orchestratorAddresses\":[],\"site\":\"s\"}", "registration"),
        ("gateway", "cluster", "api/gateway/drones/admit", $"{{\"registration\":{{{Drone}}},\"secret\":\"s\",\"orchestratorAddresses\":null,\"site\":\"s\"}}", "orchestratorAddresses"),
        ("gateway", "cluster", "api/gateway/drones/admit", $"{{\"registration\":{{\"name\":null,\"cores\":1,\"ramMb\":1,\"slots\":1}},\"secret\":\"s\",\"orchestratorAddresses\":[],\"site\":\"s\"}}", "registration.name"),
        ("gateway", "cluster", "api/gateway/control/confirm", "{\"droneId\":\"d\",\"order\":null}", "order"),
        ("gateway", "cluster", "api/gateway/control/confirm", "{\"droneId\":\"d\",\"order\":{\"id\":null,\"action\":\"reboot\",\"nodeId\":\"d\"}}", "order.id"),
        ("gateway", "admin", "api/command", "{\"action\":null,\"drone\":\"d\"}", "action"),
        ("gateway", "admin", "api/gateway/drones/x/rename", "{\"name\":null}", "name"),
        ("gateway", "admin", "api/gateway/build/submit", "{\"packages\":[{\"cpv\":\"a/b-1\",\"deps\":[null]}]}", "packages[0].deps[0]"),
        ("orchestrator", "cluster", "api/orchestrator/control", "{\"droneId\":\"d\",\"order\":null}", "order"),
        ("orchestrator", "join", "api/orchestrator/drones/register", "{\"name\":null,\"cores\":1,\"ramMb\":1,\"slots\":1}", "name"),
        ("orchestrator", "join", "api/orchestrator/drones/register", $"{{{Drone},\"addresses\":[null]}}", "addresses[0]"),
        ("orchestrator", "session", "api/orchestrator/drones/{drone}/heartbeat", "{\"leaseIds\":null}", "leaseIds"),
        ("orchestrator", "session", "api/orchestrator/drones/{drone}/heartbeat", "{\"leaseIds\":[],\"held\":[{\"leaseId\":null,\"jobId\":1,\"cpv\":\"a/b-1\"}]}", "held[0].leaseId"),
        ("orchestrator", "session", "api/orchestrator/drones/{drone}/jobs/1/progress", "{\"leaseId\":null,\"state\":\"building\"}", "leaseId"),
        ("orchestrator", "session", "api/orchestrator/drones/{drone}/jobs/1/fail", "{\"leaseId\":\"l\",\"error\":null}", "error"),
    ];

    [Fact]
    public async Task Every_required_field_sent_as_null_is_400_naming_it()
    {
        await using var site = await InProcessSite.StartAsync();
        var gateway = site.Gateway;
        var join = (await FleetApiTokenAsync(gateway)).Token;
        using var orchestrator = site.OrchestratorClient();
        var drone = await SiteDrones.RegisterAsync(orchestrator, "nully", join);
        var tokens = new Dictionary<string, string>
        {
            ["cluster"] = site.ClusterToken,
            ["admin"] = File.ReadAllText(Path.Combine(gateway.Options.DataDir, "admin.token")).Trim(),
            ["join"] = join,
            ["session"] = drone.DroneToken,
        };

        var wrong = new List<string>();
        foreach (var (role, token, path, body, field) in Cases)
        {
            using var http = role == "gateway" ? gateway.Client(tokens[token]) : site.OrchestratorClient(tokens[token]);
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(path.Replace("{drone}", drone.DroneId, StringComparison.Ordinal), content);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest
                || !JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var errors)
                || !errors.TryGetProperty(field, out var messages)
                || !messages[0].GetString()!.Contains("null", StringComparison.Ordinal))
            {
                wrong.Add($"{role} {path} {body}: {(int)response.StatusCode} {text}, expected 400 naming {field}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task An_optional_field_sent_as_null_is_the_same_as_leaving_it_out()
    {
        await using var site = await InProcessSite.StartAsync();
        using var orchestrator = site.OrchestratorClient();
        var drone = await SiteDrones.RegisterAsync(orchestrator, "nully", (await FleetApiTokenAsync(site.Gateway)).Token);
        using var heartbeat = await SiteDrones.PostAsync(orchestrator, drone, "heartbeat", new DroneHeartbeat([], Held: null), SwarmJsonContext.Default.DroneHeartbeat);
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
    }

    private static async Task<JoinTokenCreated> FleetApiTokenAsync(InProcessGateway gateway)
    {
        using var response = await gateway.Admin.PostAsJsonAsync("api/gateway/join-tokens", new JoinTokenRequest(AutoApprove: true), SwarmJsonContext.Default.JoinTokenRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JoinTokenCreated))!;
    }
}
