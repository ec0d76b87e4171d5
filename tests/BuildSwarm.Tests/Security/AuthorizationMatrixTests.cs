using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BuildSwarm.Tests.Security;

/// <summary>
/// Issue 17: every route of the real gateway and orchestrator (read from their endpoint data sources), called with
/// every kind of credential, answers as <see cref="AuthorizationTable"/> says, and never with a 5xx.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    [Fact]
    public async Task Every_route_lets_through_exactly_the_credentials_the_table_states()
    {
        await using var swarm = await InProcessSite.StartAsync(authFailuresPerMinute: 0);
        var (gateway, orchestrator, cluster) = (swarm.Gateway, swarm.Orchestrator, swarm.ClusterToken);
        var urls = new Dictionary<string, string> { ["gateway"] = gateway.Url, ["orchestrator"] = swarm.OrchestratorUrl };
        using var site = swarm.OrchestratorClient();

        using var joinResponse = await gateway.Admin.PostAsJsonAsync("api/gateway/join-tokens", new JoinTokenRequest(AutoApprove: true), SwarmJsonContext.Default.JoinTokenRequest);
        var join = (await joinResponse.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JoinTokenCreated))!.Token;
        var m1 = await SiteDrones.RegisterAsync(site, "m1", join);
        var m2 = await SiteDrones.RegisterAsync(site, "m2", join);
        await gateway.SubmitAsync(new PackageRequest("app-misc/one-1.0"), new PackageRequest("app-misc/two-1.0"));
        var thisLease = await Poll.UntilAsync(() => SiteDrones.WorkAsync(site, m1), TimeSpan.FromSeconds(30), "a lease for m1");
        var otherLease = await Poll.UntilAsync(() => SiteDrones.WorkAsync(site, m2), TimeSpan.FromSeconds(30), "a lease for m2");
        var orchestratorId = (await gateway.Anonymous.GetFromJsonAsync("api/gateway/orchestrators", SwarmJsonContext.Default.OrchestratorDirectory))!
            .Sites.Single().Primary!.Id;

        var secrets = new Dictionary<Credential, (string? Bearer, string? Lease)>
        {
            [Credential.None] = (null, null),
            [Credential.Garbage] = ("bsd_" + new string('0', 48), new string('0', 32)),
            [Credential.Admin] = (gateway.App.Services.GetRequiredService<GatewaySecrets>().AdminToken, null),
            [Credential.Cluster] = (cluster, null),
            [Credential.Join] = (join, null),
            [Credential.DroneCredential] = (m2.Credential, null),
            [Credential.DroneSession] = (m1.DroneToken, null),
            [Credential.LeaseOfThisJob] = (null, thisLease.LeaseId),
            [Credential.LeaseOfAnotherJob] = (null, otherLease.LeaseId),
        };

        var served = Endpoints("gateway", gateway.App).Concat(Endpoints("orchestrator", orchestrator)).ToList();
        var rules = AuthorizationTable.Rules.ToDictionary(r => (r.Role, r.Method, r.Pattern));
        var wrong = served.Where(e => !rules.ContainsKey(e)).Select(e => $"{e.Role} {e.Method} {e.Pattern}: served but not in AuthorizationTable").ToList();
        wrong.AddRange(rules.Keys.Where(k => !served.Contains(k)).Select(k => $"{k.Role} {k.Method} {k.Pattern}: in AuthorizationTable but not served"));

        var calls = 0;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var rule in AuthorizationTable.Rules.Where(r => served.Contains((r.Role, r.Method, r.Pattern))))
        {
            var path = rule.Sample.Replace("{job}", thisLease.JobId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{drone}", m1.DroneId, StringComparison.Ordinal).Replace("{orchestrator}", orchestratorId, StringComparison.Ordinal);
            foreach (var (credential, (bearer, lease)) in secrets)
            {
                using var request = new HttpRequestMessage(new HttpMethod(rule.Method), urls[rule.Role] + path) { Content = Body(rule, credential, m2.DroneId) };
                if (bearer is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                }

                if (lease is not null)
                {
                    request.Headers.Add(UploadHeaders.Lease, lease);
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                calls++;
                var status = (int)response.StatusCode;
                var refused = status is 401 or 403;
                if (status >= 500 || refused == rule.Allowed.Contains(credential))
                {
                    var text = await response.Content.ReadAsStringAsync();
                    wrong.Add($"{rule.Role} {rule.Method} {path} with {credential}: {status} (expected {(rule.Allowed.Contains(credential) ? "through" : "401/403")}) {text[..Math.Min(200, text.Length)]}");
                }
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {calls} calls wrong:\n" + string.Join('\n', wrong));
        Assert.True(calls >= 60 * secrets.Count, $"only {calls} calls");
    }

    private static StringContent? Body(RouteRule rule, Credential credential, string credentialOwner)
    {
        if (rule.Body == "register")
        {
            var (name, nodeId) = credential == Credential.DroneCredential ? ("m2", credentialOwner) : ($"reg-{credential}", $"d-reg-{credential}");
            var registration = new DroneRegistration(name, 2, 1024, 1, "127.0.0.1", nodeId, "test");
            return new StringContent(JsonSerializer.Serialize(registration, SwarmJsonContext.Default.DroneRegistration), Encoding.UTF8, "application/json");
        }

        return rule.Body is null ? null : new StringContent(rule.Body, Encoding.UTF8, rule.Body.Length == 0 ? "application/octet-stream" : "application/json");
    }

    private static IEnumerable<(string Role, string Method, string Pattern)> Endpoints(string role, WebApplication app) =>
        app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["GET"])
                .Select(m => (role, m, "/" + e.RoutePattern.RawText!.Trim('/'))))
            .Distinct();
}
