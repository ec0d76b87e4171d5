using System.Net;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BuildSwarm.Tests.Binhost;

/// <summary>
/// Portage asks for the index with <c>If-Modified-Since</c> = its cached TIMESTAMP + 5 s (a date that may lie in the
/// server's future); an index not newer than that date answers 304, over real HTTP to a real gateway.
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

        using var same = await GetSinceAsync(gateway, url, indexTime);
        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);

        using var older = await GetSinceAsync(gateway, url, indexTime.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await older.Content.ReadAsByteArrayAsync());

        using var head = new HttpRequestMessage(HttpMethod.Head, url);
        head.Headers.IfModifiedSince = indexTime.AddSeconds(5);
        Assert.Equal(HttpStatusCode.NotModified, (await gateway.Anonymous.SendAsync(head)).StatusCode);

        // A minute later a new package is published: the client's date is older than the new index.
        time.Advance(TimeSpan.FromMinutes(1));
        await BinhostHarness.PublishAsync(gateway, "app-misc/world-1.0");
        using var changed = await GetSinceAsync(gateway, url, indexTime.AddSeconds(5));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.True(changed.Content.Headers.LastModified > indexTime.AddSeconds(5));
        Assert.NotEqual(await first.Content.ReadAsByteArrayAsync(), await changed.Content.ReadAsByteArrayAsync());
    }

    private static async Task<HttpResponseMessage> GetSinceAsync(InProcessGateway gateway, string url, DateTimeOffset since)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfModifiedSince = since;
        return await gateway.Anonymous.SendAsync(request);
    }
}
