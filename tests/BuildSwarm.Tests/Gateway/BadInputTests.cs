using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Portage;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Gateway;

/// <summary>Every kind of bad input gets a clear 4xx problem and changes nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await InProcessGateway.StartAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-token")]
    public async Task Submit_without_a_valid_admin_token_is_401_and_stores_nothing(string? token)
    {
        using var client = _gateway.Client(token);
        using var response = await client.PostAsJsonAsync("api/gateway/build/submit",
            new SubmitBuildRequest([new PackageRequest("app-misc/hello-1.0")]), SwarmJsonContext.Default.SubmitBuildRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("token", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await BuildsAsync());
    }

    [Fact]
    public async Task The_cluster_token_is_not_an_admin_token()
    {
        using var response = await _gateway.Cluster.PostAsJsonAsync("api/gateway/build/submit",
            new SubmitBuildRequest([new PackageRequest("app-misc/hello-1.0")]), SwarmJsonContext.Default.SubmitBuildRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"packages\": [", "packages[0]")]
    [InlineData("{\"packages\": [{\"cpv\": 42}]}", "packages[0].cpv")]
    [InlineData("{\"packages\": \"app-misc/hello-1.0\"}", "packages")]
    [InlineData("{\"packages\": [], \"priority\": \"high\"}", "priority")]
    public async Task Malformed_json_is_400_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _gateway.Admin.PostAsync("api/gateway/build/submit", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
        Assert.Empty(await BuildsAsync());
    }

    [Theory]
    [InlineData("hello-1.0", "packages[0].cpv")]
    [InlineData("app-misc/hello", "packages[0].cpv")]
    [InlineData("app-misc/hello-1.0/../../etc", "packages[0].cpv")]
    [InlineData("app-misc/hello-1.0;rm -rf /", "packages[0].cpv")]
    public async Task An_unknown_cpv_format_is_400_naming_the_package(string cpv, string field)
    {
        using var response = await _gateway.Admin.PostAsJsonAsync("api/gateway/build/submit",
            new SubmitBuildRequest([new PackageRequest(cpv)]), SwarmJsonContext.Default.SubmitBuildRequest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), problem.ToString());
        Assert.Contains(cpv, messages[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await BuildsAsync());
    }

    [Fact]
    public async Task Bad_dependency_edges_are_400_and_a_cycle_is_named()
    {
        using var bad = await _gateway.Admin.PostAsJsonAsync("api/gateway/build/submit",
            new SubmitBuildRequest([new PackageRequest("app-misc/a-1", ["not a cpv"])]), SwarmJsonContext.Default.SubmitBuildRequest);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("packages[0].deps[0]", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var cycle = await _gateway.Admin.PostAsJsonAsync("api/gateway/build/submit",
            new SubmitBuildRequest([new PackageRequest("app-misc/a-1", ["app-misc/b-1"]), new PackageRequest("app-misc/b-1", ["app-misc/a-1"])]),
            SwarmJsonContext.Default.SubmitBuildRequest);
        Assert.Equal(HttpStatusCode.BadRequest, cycle.StatusCode);
        Assert.Contains("cycle", await cycle.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await BuildsAsync());
    }

    [Fact]
    public async Task An_upload_whose_checksum_does_not_match_is_refused_and_nothing_is_published()
    {
        var build = await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"));
        var lease = await _gateway.LeaseOneAsync();
        using var dir = new TempDir();
        var bytes = await File.ReadAllBytesAsync(await DemoPackage.BuildAsync("app-misc/hello-1.0", dir.Path));
        var indexBefore = await _gateway.Anonymous.GetStringAsync("binhost/Packages");

        using var wrong = await UploadAsync(lease, bytes, DemoPackage.Sha256(Encoding.UTF8.GetBytes("something else")));

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("X-Content-SHA256", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(indexBefore, await _gateway.Anonymous.GetStringAsync("binhost/Packages"));
        Assert.Empty(PackagesIndex.Read(indexBefore).Packages);
        Assert.Empty(Directory.GetFiles(_gateway.BinhostRoot, "*.gpkg.tar", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(_gateway.Options.DataDir, "binhost", ".incoming")));
        var job = (await _gateway.BuildAsync(build.BuildId)).Jobs.Single();
        Assert.Equal(JobState.Leased, job.State);
        Assert.Equal(0, job.Attempts);

        // The same lease can still deliver the right bytes, exactly once.
        using var right = await UploadAsync(lease, bytes, DemoPackage.Sha256(bytes));
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
        using var again = await UploadAsync(lease, bytes, DemoPackage.Sha256(bytes));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var (_, entries) = PackagesIndex.Read(await _gateway.Anonymous.GetStringAsync("binhost/Packages"));
        Assert.Equal("app-misc/hello-1.0", Assert.Single(entries)["CPV"]);
        Assert.Equal(JobState.Done, (await _gateway.BuildAsync(build.BuildId)).Jobs.Single().State);
    }

    [Fact]
    public async Task An_upload_with_an_unknown_lease_is_401_and_a_package_of_another_cpv_is_422()
    {
        await _gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"));
        var lease = await _gateway.LeaseOneAsync();
        using var dir = new TempDir();
        var other = await File.ReadAllBytesAsync(await DemoPackage.BuildAsync("app-misc/other-2.0", dir.Path));

        using var forged = await UploadAsync(lease with { LeaseId = "0123456789abcdef0123456789abcdef" }, other, DemoPackage.Sha256(other));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        using var mismatch = await UploadAsync(lease, other, DemoPackage.Sha256(other));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        Assert.Contains("app-misc/other-2.0", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(PackagesIndex.Read(await _gateway.Anonymous.GetStringAsync("binhost/Packages")).Packages);
    }

    private async Task<HttpResponseMessage> UploadAsync(JobLease lease, byte[] bytes, string sha256)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/gateway/binhost/upload/{lease.JobId}") { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("X-Lease-Id", lease.LeaseId);
        request.Headers.Add("X-Content-SHA256", sha256);
        return await _gateway.Anonymous.SendAsync(request);
    }

    private async Task<IReadOnlyList<BuildSummary>> BuildsAsync() =>
        (await _gateway.Anonymous.GetFromJsonAsync("api/gateway/builds", SwarmJsonContext.Default.IReadOnlyListBuildSummary))!;
}
