using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Logs;

public sealed class LogStreamingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Chunks_are_appended_once_by_offset_and_read_back_from_any_offset()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        await gateway.SubmitAsync(new PackageRequest("app-misc/a-1"));
        var lease = await gateway.LeaseOneAsync();

        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(gateway, lease, 0, "line 1\nline 2\n"));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(gateway, lease, 7, "line 2\nline 3\n")); // a retry overlapping what arrived
        Assert.Equal(HttpStatusCode.Conflict, await PostAsync(gateway, lease, 100, "far ahead\n"));

        Assert.Equal("line 1\nline 2\nline 3\n", await gateway.Anonymous.GetStringAsync($"api/gateway/jobs/{lease.JobId}/log"));
        using var tail = await gateway.Anonymous.GetAsync($"api/gateway/jobs/{lease.JobId}/log?offset=7");
        Assert.Equal("line 2\nline 3\n", await tail.Content.ReadAsStringAsync());
        Assert.Equal("21", tail.Headers.GetValues("X-Log-Offset").Single());
        Assert.Equal("leased", tail.Headers.GetValues("X-Job-State").Single());
    }

    [Fact]
    public async Task Chunks_without_a_valid_lease_are_refused_and_change_nothing()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        await gateway.SubmitAsync(new PackageRequest("app-misc/a-1"));
        var lease = await gateway.LeaseOneAsync();

        using var noLease = await gateway.Anonymous.PostAsync($"api/gateway/jobs/{lease.JobId}/log?offset=0", new StringContent("x"));
        Assert.Equal(HttpStatusCode.Unauthorized, noLease.StatusCode);
        using var wrongLease = await gateway.Anonymous.PostAsync($"api/gateway/jobs/{lease.JobId}/log?offset=0&lease=nope", new StringContent("x"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongLease.StatusCode);
        using var badOffset = await gateway.Anonymous.PostAsync($"api/gateway/jobs/{lease.JobId}/log?offset=-1&lease={lease.LeaseId}", new StringContent("x"));
        Assert.Equal(HttpStatusCode.BadRequest, badOffset.StatusCode);
        Assert.Equal("", await gateway.Anonymous.GetStringAsync($"api/gateway/jobs/{lease.JobId}/log"));
        using var missing = await gateway.Anonymous.GetAsync("api/gateway/jobs/999/log");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_follower_gets_lines_as_they_arrive_and_the_end_when_the_job_fails()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.MaxAttempts = 1);
        await gateway.SubmitAsync(new PackageRequest("app-misc/a-1"));
        var lease = await gateway.LeaseOneAsync();
        await PostAsync(gateway, lease, 0, "configure\n");

        await using var follow = await SseReader.OpenAsync($"{gateway.Url}/api/gateway/jobs/{lease.JobId}/log?follow=1");
        Assert.Equal("configure\n", Text(await follow.NextAsync(Wait)));
        await PostAsync(gateway, lease, 10, "compile\n");
        Assert.Equal("compile\n", Text(await follow.NextAsync(Wait)));

        using var fail = await gateway.Cluster.PostAsJsonAsync($"api/gateway/jobs/{lease.JobId}/fail", new JobFailure(lease.LeaseId, "boom"), SwarmJsonContext.Default.JobFailure);
        fail.EnsureSuccessStatusCode();
        using var end = JsonDocument.Parse((await follow.NextAsync(Wait)).Data);
        Assert.Equal("stuck", end.RootElement.GetProperty("end").GetString());

        // A long-poll read returns at once for a finished job, and the log of a failed job is kept.
        Assert.Equal("configure\ncompile\n", await gateway.Anonymous.GetStringAsync($"api/gateway/jobs/{lease.JobId}/log?wait=20"));
    }

    [Fact]
    public async Task Logs_over_the_size_limit_are_cut_with_a_marker()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Logs.MaxBytes = 2048);
        await gateway.SubmitAsync(new PackageRequest("app-misc/a-1"));
        var lease = await gateway.LeaseOneAsync();
        var line = new string('x', 99) + "\n";
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, await PostAsync(gateway, lease, i * 100, line));
        }

        var log = await gateway.Anonymous.GetStringAsync($"api/gateway/jobs/{lease.JobId}/log");
        Assert.InRange(Encoding.UTF8.GetByteCount(log), 2048, 2200);
        Assert.Contains("[log truncated", log, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> PostAsync(InProcessGateway gateway, JobLease lease, long offset, string text)
    {
        using var response = await gateway.Anonymous.PostAsync(
            $"api/gateway/jobs/{lease.JobId}/log?lease={lease.LeaseId}&offset={offset.ToString(CultureInfo.InvariantCulture)}", new StringContent(text));
        return response.StatusCode;
    }

    private static string Text((string? Id, string Data) message)
    {
        using var json = JsonDocument.Parse(message.Data);
        return json.RootElement.GetProperty("text").GetString()!;
    }
}
