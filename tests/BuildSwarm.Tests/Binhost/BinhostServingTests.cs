using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway.Binhost;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Tests.Binhost;

/// <summary>How the gateway serves the binhost: the index from memory, its files on disk behind it, package files from memory.</summary>
public sealed class BinhostServingTests
{
    [Theory]
    [InlineData("binhost/Packages")]
    [InlineData("binhost/Packages.gz")]
    public async Task The_served_index_answers_head_and_range(string url)
    {
        await using var gateway = await InProcessGateway.StartAsync();
        await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");
        var whole = await gateway.Anonymous.GetByteArrayAsync(url);

        using var head = await gateway.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(whole.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.NotNull(head.Headers.ETag);
        Assert.Equal("no-cache", head.Headers.CacheControl!.ToString());

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(10, 29);
        using var partial = await gateway.Anonymous.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(whole[10..30], await partial.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_publish_is_served_at_once_and_the_index_files_follow_on_disk()
    {
        // A long interval holds the files back after the start-up write, so the two can be seen apart.
        await using var gateway = await InProcessGateway.StartAsync(o => o.Binhost.IndexFileIntervalMilliseconds = 600_000);
        var index = gateway.App.Services.GetRequiredService<BinhostIndex>();
        var onDisk = Path.Combine(gateway.BinhostRoot, "Packages");
        Assert.Equal("0", PackagesIndex.Read(await File.ReadAllTextAsync(onDisk)).Header["PACKAGES"]);

        await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");

        var served = await gateway.Anonymous.GetStringAsync("binhost/Packages");
        Assert.Equal("1", PackagesIndex.Read(served).Header["PACKAGES"]);
        Assert.Equal("0", PackagesIndex.Read(await File.ReadAllTextAsync(onDisk)).Header["PACKAGES"]);

        await index.FlushAsync(CancellationToken.None);
        Assert.Equal(served, await File.ReadAllTextAsync(onDisk));
        Assert.Equal(await gateway.Anonymous.GetByteArrayAsync("binhost/Packages.gz"), await File.ReadAllBytesAsync(onDisk + ".gz"));
        var timestamp = long.Parse(PackagesIndex.Read(served).Header["TIMESTAMP"], CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime, File.GetLastWriteTimeUtc(onDisk));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime, File.GetLastWriteTimeUtc(onDisk + ".gz"));
        Assert.Empty(Directory.GetFiles(gateway.BinhostRoot, ".*.tmp"));
    }

    [Fact]
    public async Task With_no_interval_the_files_follow_every_publish()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Binhost.IndexFileIntervalMilliseconds = 0);
        var onDisk = Path.Combine(gateway.BinhostRoot, "Packages");
        foreach (var cpv in (string[])["app-misc/one-1.0", "app-misc/two-1.0"])
        {
            await BinhostHarness.PublishAsync(gateway, cpv);
            var served = await gateway.Anonymous.GetStringAsync("binhost/Packages");
            await Poll.UntilAsync(async () => await File.ReadAllTextAsync(onDisk) == served, TimeSpan.FromSeconds(10), $"{cpv} in the Packages file");
        }
    }

    [Fact]
    public async Task A_graceful_stop_writes_the_files_it_held_back()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Binhost.IndexFileIntervalMilliseconds = 600_000);
        await BinhostHarness.PublishAsync(gateway, "app-misc/one-1.0");
        var served = await gateway.Anonymous.GetStringAsync("binhost/Packages");

        await gateway.StopAsync();

        Assert.Equal(served, await File.ReadAllTextAsync(Path.Combine(gateway.BinhostRoot, "Packages")));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(0)]
    public async Task Package_files_follow_the_file_on_disk_from_memory_or_not(int cacheMegabytes)
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Binhost.MemoryCacheMegabytes = cacheMegabytes);
        var package = await BinhostHarness.GpkgAsync("app-misc/hello-1.0");
        var accepted = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0", package: package);
        var url = $"binhost/{accepted.Path}";
        var file = Path.Combine(gateway.BinhostRoot, accepted.Path);
        Assert.Equal(package, await gateway.Anonymous.GetByteArrayAsync(url));
        Assert.Equal(package, await gateway.Anonymous.GetByteArrayAsync(url));

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(100, null);
        using var partial = await gateway.Anonymous.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(package[100..], await partial.Content.ReadAsByteArrayAsync());

        // Replaced behind the gateway's back (same size, other bytes, other mtime): the new bytes, not a stale copy.
        var other = package.Select(b => (byte)~b).ToArray();
        await File.WriteAllBytesAsync(file, other);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(other, await gateway.Anonymous.GetByteArrayAsync(url));

        File.Delete(file);
        using var gone = await gateway.Anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(cacheMegabytes > 0, gateway.App.Services.GetRequiredService<PackageFileCache>().Bytes > 0);
    }

    [Fact]
    public async Task The_memory_cache_stays_within_its_budget_keeping_the_recently_read()
    {
        using var dir = new TempDir();
        var options = Options.Create(new GatewayOptions { Binhost = { MemoryCacheMegabytes = 1, MemoryCacheMaxFileMegabytes = 1 } });
        var cache = new PackageFileCache(options);
        var files = Enumerable.Range(0, 5).Select(i =>
        {
            var path = Path.Combine(dir.Path, $"p{i}.gpkg.tar");
            File.WriteAllBytes(path, Enumerable.Repeat((byte)i, 300 * 1024).ToArray());
            return new FileInfo(path);
        }).ToList();

        foreach (var file in files)
        {
            Assert.Equal((byte)files.IndexOf(file), (await cache.GetAsync(file, CancellationToken.None))![0]);
            Assert.True(cache.Bytes <= 1024 * 1024, $"cache holds {cache.Bytes} bytes");
        }

        var big = Path.Combine(dir.Path, "big.gpkg.tar");
        File.WriteAllBytes(big, new byte[1024 * 1024 + 1]);
        Assert.Null(await cache.GetAsync(new FileInfo(big), CancellationToken.None));
        Assert.True(cache.Bytes >= 600 * 1024, "the most recent files stay");
    }

    [Fact]
    public async Task Binhost_reads_are_counted_by_file_kind_and_status()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var accepted = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");
        await gateway.Anonymous.GetByteArrayAsync("binhost/Packages");
        await gateway.Anonymous.GetByteArrayAsync($"binhost/{accepted.Path}");
        using var missing = await gateway.Anonymous.GetAsync("binhost/app-misc/nothing-1.gpkg.tar");

        var metrics = await gateway.Anonymous.GetStringAsync("metrics");

        Assert.Contains("buildswarm_binhost_requests_total{file=\"index\",code=\"200\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("buildswarm_binhost_requests_total{file=\"package\",code=\"200\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("buildswarm_binhost_requests_total{file=\"none\",code=\"404\"} 1", metrics, StringComparison.Ordinal);
    }
}
