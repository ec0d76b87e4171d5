using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Binhost;

/// <summary>What a Portage client sees over HTTP: index files, their headers, conditional and range requests.</summary>
public sealed class BinhostProtocolTests
{
    private static void Configure(GatewayOptions options)
    {
        options.Targets.Add(new BinhostTargetOptions
        {
            Name = "amd64",
            Arch = "amd64",
            Chost = BinhostHarness.Chost,
            Profile = "default/linux/amd64/23.0",
            Use = "amd64 elibc_glibc",
            AcceptKeywords = "amd64",
            Uri = "https://binhost.example/binhost/amd64",
            Header = { ["CBUILD"] = BinhostHarness.Chost },
        });
        options.DefaultTarget = "amd64";
    }

    [Fact]
    public async Task Index_is_served_with_timestamp_as_last_modified_and_the_target_header()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");

        using var response = await gateway.Anonymous.GetAsync("binhost/amd64/Packages");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var (header, packages) = PackagesIndex.ReadAsClient(text);
        var timestamp = long.Parse(header["TIMESTAMP"], CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(timestamp), response.Content.Headers.LastModified);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("amd64", header["ARCH"]);
        Assert.Equal(BinhostHarness.Chost, header["CHOST"]);
        Assert.Equal("default/linux/amd64/23.0", header["PROFILE"]);
        Assert.Equal("amd64 elibc_glibc", header["USE"]);
        Assert.Equal("amd64", header["ACCEPT_KEYWORDS"]);
        Assert.Equal(BinhostHarness.Chost, header["CBUILD"]);
        Assert.Equal("https://binhost.example/binhost/amd64", header["URI"]);
        Assert.Equal("0", header["VERSION"]);
        Assert.Equal("1", header["PACKAGES"]);

        var package = Assert.Single(packages);
        Assert.Equal("app-misc/hello-1.0", package["CPV"]);
        Assert.Equal("app-misc/hello/hello-1.0-1.gpkg.tar", package["PATH"]);
        Assert.Equal("1", package["BUILD_ID"]);
        Assert.Equal("8", package["EAPI"]);
        Assert.Equal("amd64", package["KEYWORDS"]);
        Assert.Equal(BinhostHarness.Chost, package["CHOST"]);
        Assert.Equal("gentoo", package["REPO"]);
        // CHOST equals the header's, so Portage's writer leaves it out of the block; the client fills it back in.
        Assert.DoesNotContain("\nCHOST: ", text.Split("\n\n", 2)[1], StringComparison.Ordinal);

        // The default target is also the root of /binhost/, byte for byte.
        Assert.Equal(text, await gateway.Anonymous.GetStringAsync("binhost/Packages"));
    }

    [Fact]
    public async Task Packages_gz_is_the_same_index_gzipped_without_content_encoding()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");

        var plain = await gateway.Anonymous.GetByteArrayAsync("binhost/amd64/Packages");
        using var response = await gateway.Anonymous.GetAsync("binhost/amd64/Packages.gz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("application/gzip", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.ETag);
        using var gunzip = new GZipStream(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), CompressionMode.Decompress);
        using var unpacked = new MemoryStream();
        await gunzip.CopyToAsync(unpacked);
        Assert.Equal(plain, unpacked.ToArray());
        var timestamp = PackagesIndex.Read(Encoding.UTF8.GetString(plain)).Header["TIMESTAMP"];
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture)), response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task If_modified_since_and_if_none_match_get_304()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        using var first = await gateway.Anonymous.GetAsync("binhost/amd64/Packages");
        var lastModified = first.Content.Headers.LastModified!.Value;

        // Portage sends its cached TIMESTAMP + 5 s (IndexIfModifiedSinceTests); the exact TIMESTAMP would be Portage's date
        // for a copy up to 5 s older than this index, so it gets the index.
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "binhost/amd64/Packages");
        conditional.Headers.IfModifiedSince = lastModified.AddSeconds(5);
        using var notModified = await gateway.Anonymous.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using var exact = new HttpRequestMessage(HttpMethod.Get, "binhost/amd64/Packages");
        exact.Headers.IfModifiedSince = lastModified;
        Assert.Equal(HttpStatusCode.OK, (await gateway.Anonymous.SendAsync(exact)).StatusCode);

        using var byEtag = new HttpRequestMessage(HttpMethod.Get, "binhost/amd64/Packages.gz");
        using var gz = await gateway.Anonymous.GetAsync("binhost/amd64/Packages.gz");
        byEtag.Headers.IfNoneMatch.Add(gz.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await gateway.Anonymous.SendAsync(byEtag)).StatusCode);

        // After a publish the index is newer than the client's copy again.
        await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");
        using var again = new HttpRequestMessage(HttpMethod.Get, "binhost/amd64/Packages");
        again.Headers.IfModifiedSince = lastModified.AddSeconds(5);
        using var changed = await gateway.Anonymous.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.True(changed.Content.Headers.LastModified > lastModified);
    }

    [Fact]
    public async Task Package_files_answer_head_and_range_with_etag()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        var package = await BinhostHarness.GpkgAsync("app-misc/hello-1.0");
        var accepted = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0", package: package);

        using var head = await gateway.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"binhost/amd64/{accepted.Path}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(package.Length, head.Content.Headers.ContentLength);
        Assert.Equal("bytes", Assert.Single(head.Headers.AcceptRanges));
        Assert.NotNull(head.Headers.ETag);
        Assert.NotNull(head.Content.Headers.LastModified);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        // wget -c resumes with a Range request.
        using var range = new HttpRequestMessage(HttpMethod.Get, $"binhost/amd64/{accepted.Path}");
        range.Headers.Range = new RangeHeaderValue(1000, null);
        using var partial = await gateway.Anonymous.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal($"bytes 1000-{package.Length - 1}/{package.Length}", partial.Content.Headers.ContentRange!.ToString());
        Assert.Equal(package[1000..], await partial.Content.ReadAsByteArrayAsync());

        // The MTIME the index gives is the file's Last-Modified (wget sets the local mtime from it).
        var (_, packages) = await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/amd64/Packages");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(long.Parse(packages[0]["MTIME"], CultureInfo.InvariantCulture)), head.Content.Headers.LastModified);
        Assert.Equal(package.Length.ToString(CultureInfo.InvariantCulture), packages[0]["SIZE"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(package)), packages[0]["MD5"]);
    }

    [Theory]
    [InlineData("binhost/amd64/Packages.bz2")]
    [InlineData("binhost/amd64/app-misc/hello/hello-9.gpkg.tar")]
    [InlineData("binhost/nosuch-cat/Packages")]
    [InlineData("binhost/amd64/releases/1/Packages")]
    [InlineData("binhost/amd64/releases/stable/Packages")]
    [InlineData("binhost/amd64/app-misc")]
    public async Task Missing_files_are_404_problem_details(string url)
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await gateway.Anonymous.SendAsync(new HttpRequestMessage(method, url));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Xpak_packages_are_published_from_their_own_metadata()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        var accepted = await BinhostHarness.PublishAsync(gateway, "app-misc/old-2.1", package: await BinhostHarness.XpakAsync("app-misc/old-2.1"));
        Assert.Equal("app-misc/old/old-2.1-1.xpak", accepted.Path);
        var (_, packages) = await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/Packages");
        var package = Assert.Single(packages);
        Assert.Equal("test package old", package["DESC"]);
        Assert.Equal(accepted.Path, package["PATH"]);
    }
}
