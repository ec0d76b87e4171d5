using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Fleet;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Security;

/// <summary>Issue 17: every admin action is in an append-only log beside the database, readable by admins and through the CLI.</summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task Admin_actions_and_refused_attempts_are_logged_with_who_what_and_when_and_the_cli_prints_them()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var operatorClient = gateway.Client(File.ReadAllText(Path.Combine(gateway.Options.DataDir, "admin.token")).Trim());
        operatorClient.DefaultRequestHeaders.Add(AuditHeaders.Operator, "alice@desk");
        var token = await FleetApi.TokenAsync(gateway, new JoinTokenRequest(Note: "audit"));
        using (var approve = await operatorClient.PostAsync("api/gateway/drones/nobody/approve", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, approve.StatusCode);
        }

        using (var guess = await gateway.Client("wrong").PostAsync($"api/gateway/join-tokens/{token.Id}/revoke", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using (var read = await gateway.Admin.GetAsync("api/gateway/drones"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var entries = (await gateway.Admin.GetFromJsonAsync("api/gateway/audit", SwarmJsonContext.Default.IReadOnlyListAuditEntry))!;
        Assert.Equal(3, entries.Count);
        Assert.Equal(("admin token", "POST", "/api/gateway/join-tokens", 201), (entries[0].Who, entries[0].Method, entries[0].Path, entries[0].Status));
        Assert.Equal(("admin token", "alice@desk", "/api/gateway/drones/nobody/approve", 404), (entries[1].Who, entries[1].Operator, entries[1].Path, entries[1].Status));
        Assert.Equal(("wrong token", 401), (entries[2].Who, entries[2].Status));
        Assert.All(entries, e => Assert.True(e.At >= before && e.Source == "127.0.0.1", $"{e}"));
        Assert.DoesNotContain(token.Token, File.ReadAllText(Path.Combine(gateway.Options.DataDir, "audit.jsonl")), StringComparison.Ordinal);

        using (var anonymous = await gateway.Anonymous.GetAsync("api/gateway/audit"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var admin = File.ReadAllText(Path.Combine(gateway.Options.DataDir, "admin.token")).Trim();
        var output = await CliRun.OkAsync(null, "audit", "--gateway", gateway.Url, "--token", admin, "--limit", "2");
        Assert.Contains("/api/gateway/drones/nobody/approve", output, StringComparison.Ordinal);
        Assert.Contains("-> 401", output, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/gateway/join-tokens ", output, StringComparison.Ordinal);
    }
}
