using System.Net;
using System.Net.Http.Headers;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BuildSwarm.Tests.Security;

/// <summary>Issue 17: failed authentication is limited per source address: 429 with Retry-After, for a minute.</summary>
public sealed class AuthFailureLimitTests
{
    [Fact]
    public async Task A_source_that_keeps_guessing_tokens_gets_429_with_retry_after_until_its_minute_is_over()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await InProcessGateway.StartAsync(o => o.Security.AuthFailuresPerMinute = 5, time);
        using var guesser = gateway.Client("bsd_" + new string('1', 48));

        for (var i = 0; i < 5; i++)
        {
            using var guess = await guesser.GetAsync("api/gateway/drones");
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using (var limited = await guesser.GetAsync("api/gateway/drones"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            var retry = limited.Headers.RetryAfter?.Delta;
            Assert.True(retry is { TotalSeconds: > 0 and <= 60 }, $"Retry-After: {limited.Headers.RetryAfter}");
            Assert.Contains("too many", await limited.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        // While limited, no token is checked from that source, not even the right one (that is what stops guessing);
        // a lease id is a credential too. Requests without a credential are not limited.
        using (var right = await gateway.Admin.GetAsync("api/gateway/drones"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        }

        using (var upload = new HttpRequestMessage(HttpMethod.Put, "api/gateway/binhost/upload/1"))
        {
            upload.Headers.Add("X-Lease-Id", "guess");
            using var response = await gateway.Anonymous.SendAsync(upload);
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        }

        using (var open = await gateway.Anonymous.GetAsync("api/gateway/status"))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(61));
        using var later = await gateway.Admin.GetAsync("api/gateway/drones");
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Right_tokens_and_calls_without_a_token_never_count_as_failures()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Security.AuthFailuresPerMinute = 3);
        for (var i = 0; i < 10; i++)
        {
            using var missing = await gateway.Anonymous.GetAsync("api/gateway/drones");
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            using var right = await gateway.Admin.GetAsync("api/gateway/drones");
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }

        using var wrongScheme = new HttpRequestMessage(HttpMethod.Get, "api/gateway/drones");
        wrongScheme.Headers.Authorization = new AuthenticationHeaderValue("Basic", "eDp5");
        using var answer = await gateway.Anonymous.SendAsync(wrongScheme);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }
}
