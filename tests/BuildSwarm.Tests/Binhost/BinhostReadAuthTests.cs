using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Binhost;

/// <summary>Optional basic auth on binhost reads: a challenge Portage answers with its sync-uri credentials.</summary>
public sealed class BinhostReadAuthTests
{
    private static void Configure(GatewayOptions options)
    {
        options.Targets.Add(new BinhostTargetOptions { Name = "amd64", Arch = "amd64" });
        options.Binhost.Users.Add(new BinhostUserOptions
        {
            User = "portage",
            PasswordSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("s3cret pass"))),
        });
        options.Binhost.Users.Add(new BinhostUserOptions { User = "ci", Password = "plain" });
    }

    [Fact]
    public async Task Reads_need_a_configured_user_and_uploads_and_admin_are_unaffected()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        // Uploads (lease id) and admin endpoints (bearer token) work as before.
        var published = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0", "amd64");
        using (var promote = await gateway.Admin.PostAsJsonAsync("api/gateway/binhost/targets/amd64/promote", new PromoteRequest("r1"), SwarmJsonContext.Default.PromoteRequest))
        {
            Assert.Equal(HttpStatusCode.Created, promote.StatusCode);
        }

        string[] urls = ["binhost/Packages", "binhost/amd64/Packages", $"binhost/amd64/{published.Path}", $"binhost/amd64/releases/r1/{published.Path}",
            "binhost/amd64/releases/stable/Packages", "binhost/no-such/file"];
        foreach (var url in urls)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
            {
                await AssertChallengedAsync(gateway, method, url, null, "needs HTTP basic auth");
                await AssertChallengedAsync(gateway, method, url, Basic("portage", "wrong"), "wrong binhost user or password");
                await AssertChallengedAsync(gateway, method, url, Basic("nobody", "s3cret pass"), "wrong binhost user or password");
                await AssertChallengedAsync(gateway, method, url, new AuthenticationHeaderValue("Basic", "%%%"), "not valid base64");
            }
        }

        // The admin's bearer token is not a binhost credential.
        using (var bearer = await gateway.Admin.GetAsync("binhost/amd64/Packages"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);
        }

        // Right credentials: the index, a package file resumed with Range, a release path, and the plain-password user.
        using var reader = gateway.Client(null);
        reader.DefaultRequestHeaders.Authorization = Basic("portage", "s3cret pass");
        var (_, packages) = await BinhostHarness.IndexAsync(reader, "binhost/amd64/Packages");
        Assert.Equal(published.Path, Assert.Single(packages)["PATH"]);

        var whole = File.ReadAllBytes(Path.Combine(gateway.Options.DataDir, "binhost", "amd64", published.Path));
        using (var range = new HttpRequestMessage(HttpMethod.Get, $"binhost/amd64/{published.Path}"))
        {
            range.Headers.Range = new RangeHeaderValue(100, null);
            using var partial = await reader.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(whole[100..], await partial.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(whole, await reader.GetByteArrayAsync($"binhost/amd64/releases/r1/{published.Path}"));
        using (var missing = await reader.GetAsync("binhost/amd64/no-such/file"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using var plain = gateway.Client(null);
        plain.DefaultRequestHeaders.Authorization = Basic("ci", "plain");
        using var ok = await plain.GetAsync("binhost/amd64/releases/stable/Packages");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Without_users_reads_stay_public()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var published = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");
        using var index = await gateway.Anonymous.GetAsync("binhost/Packages");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Empty(index.Headers.WwwAuthenticate);
        using var package = await gateway.Anonymous.GetAsync($"binhost/{published.Path}");
        Assert.Equal(HttpStatusCode.OK, package.StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task AssertChallengedAsync(InProcessGateway gateway, HttpMethod method, string url, AuthenticationHeaderValue? credentials, string because)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = credentials;
        using var response = await gateway.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"BuildSwarm binhost\"", response.Headers.WwwAuthenticate.ToString());
        if (method == HttpMethod.Get)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(because, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
