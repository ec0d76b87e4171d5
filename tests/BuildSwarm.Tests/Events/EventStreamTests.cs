using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Events;

public sealed class EventStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Resuming_with_Last_Event_ID_delivers_exactly_the_missed_events_in_order()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var first = await gateway.SubmitAsync(new PackageRequest("app-misc/a-1"));

        long lastSeen;
        await using (var stream = await SseReader.OpenAsync($"{gateway.Url}/api/gateway/events?since=0"))
        {
            var e = await stream.NextEventAsync(Wait);
            Assert.Equal("build.submitted", e.Type);
            Assert.Equal(first.BuildId, e.BuildId);
            lastSeen = e.Seq;
        }

        // While nobody listens: two more builds and a lease.
        var second = await gateway.SubmitAsync(new PackageRequest("app-misc/b-1"));
        var third = await gateway.SubmitAsync(new PackageRequest("app-misc/c-1"));
        var lease = await gateway.LeaseOneAsync("drone-x");

        await using var resumed = await SseReader.OpenAsync($"{gateway.Url}/api/gateway/events", lastEventId: lastSeen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var missed = new List<SwarmEvent>();
        while (missed.Count < 4)
        {
            missed.Add(await resumed.NextEventAsync(Wait));
        }

        Assert.Equal(Enumerable.Range(1, 4).Select(i => lastSeen + i), missed.Select(e => e.Seq));
        Assert.Equal(["build.submitted", "build.submitted", "orchestrator.registered", "job.leased"], missed.Select(e => e.Type));
        Assert.Equal(second.BuildId, missed[0].BuildId);
        Assert.Equal(third.BuildId, missed[1].BuildId);
        Assert.Equal(lease.JobId, missed[3].JobId);
        Assert.Equal("drone-x", missed[3].Drone);

        // And the stream stays live after the catch-up.
        await gateway.SubmitAsync(new PackageRequest("app-misc/d-1"));
        var live = await resumed.NextEventAsync(Wait);
        Assert.Equal(lastSeen + 5, live.Seq);
    }

    [Fact]
    public async Task The_id_of_each_message_is_its_sequence_number_and_history_pages_as_json()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Events.HeartbeatSeconds = 0.2);
        await gateway.SubmitAsync(new PackageRequest("app-misc/a-1"));
        await gateway.SubmitAsync(new PackageRequest("app-misc/b-1"));

        await using (var stream = await SseReader.OpenAsync($"{gateway.Url}/api/swarm/events?since=1"))
        {
            Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
            var (id, _) = await stream.NextAsync(Wait);
            Assert.Equal("2", id);
        }

        var page = await gateway.Anonymous.GetFromJsonAsync("api/gateway/events?format=json&since=0", SwarmJsonContext.Default.IReadOnlyListSwarmEvent);
        Assert.Equal([1L, 2L], page!.Select(e => e.Seq));
    }

    [Fact]
    public async Task A_malformed_since_is_a_400_problem()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        using var response = await gateway.Anonymous.GetAsync("api/gateway/events?since=abc");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("since", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_is_bounded_and_a_resume_past_it_is_told_about_the_gap()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Events.MaxHistory = 10);
        for (var i = 0; i < 300; i++)
        {
            await gateway.SubmitAsync(new PackageRequest($"app-misc/p-{i}"));
        }

        var page = await gateway.Anonymous.GetFromJsonAsync("api/gateway/events?format=json&since=0", SwarmJsonContext.Default.IReadOnlyListSwarmEvent);
        Assert.True(page!.Count < 300, $"history kept {page.Count} events");
        Assert.Equal(300, page[^1].Seq);

        await using var stream = await SseReader.OpenAsync($"{gateway.Url}/api/gateway/events?since=5");
        var gap = await stream.NextEventAsync(Wait);
        Assert.Equal("history.gap", gap.Type);
        var next = await stream.NextEventAsync(Wait);
        Assert.Equal(page[0].Seq, next.Seq);
    }

    [Theory]
    [InlineData("api/gateway/status")]
    [InlineData("api/swarm/status")]
    [InlineData("api/gateway/monitor")]
    [InlineData("api/swarm/builds")]
    public async Task Read_only_views_answer_304_to_a_matching_If_None_Match_until_something_changes(string path)
    {
        await using var gateway = await InProcessGateway.StartAsync();
        using var first = await gateway.Anonymous.GetAsync(path);
        first.EnsureSuccessStatusCode();
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.True(first.Headers.CacheControl?.NoCache, "a caching proxy must revalidate");

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await gateway.Anonymous.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        await gateway.SubmitAsync(new PackageRequest("app-misc/changed-1"));
        using var after = new HttpRequestMessage(HttpMethod.Get, path);
        after.Headers.IfNoneMatch.Add(etag);
        using var changed = await gateway.Anonymous.SendAsync(after);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task The_v3_aliases_return_the_same_data()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var build = await gateway.SubmitAsync(new PackageRequest("app-misc/a-1"));
        foreach (var (v2, v3) in new[] { ("status", "status"), ("builds", "builds"), ($"builds/{build.BuildId}", $"builds/{build.BuildId}") })
        {
            Assert.Equal(await gateway.Anonymous.GetStringAsync($"api/gateway/{v2}"), await gateway.Anonymous.GetStringAsync($"api/swarm/{v3}"));
        }
    }

    [Fact]
    public async Task Drone_events_come_from_the_difference_between_orchestrator_syncs()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var orchestrator = await FleetSync.RegisterAsync(gateway.Cluster, "site-a");
        await using var stream = await SseReader.OpenAsync($"{gateway.Url}/api/gateway/events");

        await FleetSync.SyncAsync(gateway.Cluster, orchestrator, FleetSync.Drone("d1", "alpha", 8), FleetSync.Drone("d2", "beta", 4, "pending"));
        await FleetSync.SyncAsync(gateway.Cluster, orchestrator, FleetSync.Drone("d1", "alpha", 8, "offline"), FleetSync.Drone("d2", "beta", 4, "flagged"));
        await FleetSync.SyncAsync(gateway.Cluster, orchestrator, FleetSync.Drone("d1", "alpha", 8));

        var seen = new List<SwarmEvent>();
        while (seen.Count < 6)
        {
            seen.Add(await stream.NextEventAsync(Wait));
        }

        Assert.Equal(
            ["drone.joined alpha", "drone.pending beta", "drone.left alpha", "drone.flagged beta", "drone.joined alpha", "drone.left beta"],
            seen.Select(e => $"{e.Type} {e.Drone}"));
    }
}
