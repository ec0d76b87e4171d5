using System.Net;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway.Binhost;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BuildSwarm.Tests.Binhost;

/// <summary>Incremental, concurrent publishing and retention.</summary>
public sealed class BinhostPublishingTests
{
    [Fact]
    public async Task Concurrent_uploads_of_200_packages_lose_none()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var cpvs = Enumerable.Range(0, 200).Select(i => $"app-misc/pkg{i:D3}-1.{i}").ToArray();
        var leases = await BinhostHarness.SubmitAndLeaseAsync(gateway, null, cpvs);
        var packages = await Task.WhenAll(cpvs.Select(c => BinhostHarness.GpkgAsync(c, GpkgCompression.Gzip)));

        var statuses = await Task.WhenAll(cpvs.Select(async (cpv, i) =>
        {
            using var response = await BinhostHarness.UploadAsync(gateway, leases[cpv], packages[i]);
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        var (header, index) = await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/Packages");
        Assert.Equal("200", header["PACKAGES"]);
        Assert.Equal(cpvs.Order(StringComparer.Ordinal), index.Select(p => p["CPV"]));
        Assert.Equal(index.Select(p => p["CPV"]), PackagesIndex.ReadAsClient(
            await gateway.Anonymous.GetStringAsync("binhost/Packages")).Packages.Select(p => p["CPV"]));
    }

    [Fact]
    public async Task Publishing_does_not_read_other_package_files_and_matches_a_full_rewrite()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var first = await BinhostHarness.PublishAsync(gateway, "app-misc/first-1.0");
        var second = await BinhostHarness.PublishAsync(gateway, "dev-libs/second-2.0");
        var before = PackagesIndex.Read(await gateway.Anonymous.GetStringAsync("binhost/Packages")).Packages;

        // If a publish re-read or re-hashed the others, these files could not be found.
        File.Delete(Path.Combine(gateway.BinhostRoot, first.Path));
        File.Delete(Path.Combine(gateway.BinhostRoot, second.Path));
        await BinhostHarness.PublishAsync(gateway, "app-misc/third-3.0");

        var text = await gateway.Anonymous.GetStringAsync("binhost/Packages");
        var (header, after) = PackagesIndex.Read(text);
        Assert.Equal(["app-misc/first-1.0", "app-misc/third-3.0", "dev-libs/second-2.0"], after.Select(p => p["CPV"]));
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1], after[2]);

        // The cached blocks give exactly what the one-shot writer gives for the same entries.
        var full = PackagesIndex.Write(header, after.Select(p => (IReadOnlyDictionary<string, string>)p));
        Assert.Equal(full, text);

        // A restart rebuilds the same blocks from the database.
        var index = gateway.App.Services.GetRequiredService<BinhostIndex>();
        await index.ReloadAsync("default", CancellationToken.None);
        var reloaded = PackagesIndex.Read(await gateway.Anonymous.GetStringAsync("binhost/Packages"));
        Assert.Equal(after, reloaded.Packages);
    }

    [Fact]
    public async Task Only_the_newest_builds_per_cpv_stay_in_the_index()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Binhost.KeepBuilds = 2);
        var builds = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            builds.Add((await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0")).BuildId);
        }

        await BinhostHarness.PublishAsync(gateway, "app-misc/other-1.0");
        Assert.Equal([1, 2, 3, 4], builds);
        var (_, packages) = await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/Packages");
        Assert.Equal(["3", "4"], packages.Where(p => p["CPV"] == "app-misc/hello-1.0").Select(p => p["BUILD_ID"]));
        Assert.Single(packages, p => p["CPV"] == "app-misc/other-1.0");

        // The files of the dropped builds stay until gc.
        var dir = Path.Combine(gateway.BinhostRoot, "app-misc", "hello");
        Assert.Equal(4, Directory.GetFiles(dir).Length);
        using var gc = await gateway.Admin.PostAsync("api/gateway/binhost/gc", null);
        gc.EnsureSuccessStatusCode();
        Assert.Equal(["hello-1.0-3.gpkg.tar", "hello-1.0-4.gpkg.tar"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
