using System.Net;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BuildSwarm.Tests.Binhost;

/// <summary>
/// Portage asks for the index with <c>If-Modified-Since</c> = its cached TIMESTAMP + 5 s (a date that may lie in the
/// server's future); only that date (or a later one) for this very index answers 304, over real HTTP to a real gateway:
/// an index published less than 5 s after the client's copy must reach it (a real-emerge drone otherwise did not see a
/// dependency published 3 s after its last index fetch, and would have compiled it).
/// </summary>
public sealed class IndexIfModifiedSinceTests
{
    [Theory]
    [InlineData("binhost/Packages")]
    [InlineData("binhost/Packages.gz")]
    public async Task Portage_style_if_modified_since_gets_304_until_a_package_is_published(string url)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await InProcessGateway.StartAsync(time: time);
        await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");
        using var first = await gateway.Anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var indexTime = first.Content.Headers.LastModified!.Value;

        // Portage's own request: TIMESTAMP + 5 s, later than the server's clock.
        using var portage = await GetSinceAsync(gateway, url, indexTime.AddSeconds(5));
        Assert.Equal(HttpStatusCode.NotModified, portage.StatusCode);
        Assert.Equal(indexTime, portage.Content.Headers.LastModified);
        Assert.NotNull(portage.Headers.ETag);
        Assert.Empty(await portage.Content.ReadAsByteArrayAsync());

        // A date less than 5 s past the index is what Portage sends for a copy older than this index.
        using var same = await GetSinceAsync(gateway, url, indexTime);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);

        using var older = await GetSinceAsync(gateway, url, indexTime.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await older.Content.ReadAsByteArrayAsync());

        using var head = new HttpRequestMessage(HttpMethod.Head, url);
        head.Headers.IfModifiedSince = indexTime.AddSeconds(5);
        Assert.Equal(HttpStatusCode.NotModified, (await gateway.Anonymous.SendAsync(head)).StatusCode);

        // Three seconds later a new package is published: Portage's date (old TIMESTAMP + 5 s) is no proof of a current copy.
        time.Advance(TimeSpan.FromSeconds(3));
        await BinhostHarness.PublishAsync(gateway, "app-misc/world-1.0");
        using var changed = await GetSinceAsync(gateway, url, indexTime.AddSeconds(5));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.InRange(changed.Content.Headers.LastModified!.Value, indexTime.AddSeconds(1), indexTime.AddSeconds(4));
        Assert.NotEqual(await first.Content.ReadAsByteArrayAsync(), await changed.Content.ReadAsByteArrayAsync());
    }

    private static async Task<HttpResponseMessage> GetSinceAsync(InProcessGateway gateway, string url, DateTimeOffset since)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfModifiedSince = since;
        return await gateway.Anonymous.SendAsync(request);
    }
}
