using System.Globalization;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Drone;

/// <summary>A real drone process with <c>Drone:MetricsListen</c> set, scraped over HTTP as Prometheus would.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class DroneMetricsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_drone_serves_its_slots_jobs_power_builds_failures_and_durations_on_metrics()
    {
        // One attempt: the broken package is stuck after its first failure instead of coming back to this drone.
        await using var swarm = new LocalSwarm(new() { ["BUILDSWARM_Gateway__MaxAttempts"] = "1" });
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        swarm.StartDrone("metered", SwarmProcess.DemoBuilder, slots: 2,
            builderEnvironment: new() { ["BUILDSWARM_DEMO_SECONDS"] = "0.2", ["BUILDSWARM_DEMO_FAIL"] = "broken" },
            environment: new()
            {
                ["BUILDSWARM_Drone__MetricsListen"] = url,
                ["BUILDSWARM_Drone__Power__IdleWatts"] = "40",
                ["BUILDSWARM_Drone__Power__LoadWatts"] = "40",
                ["BUILDSWARM_Drone__Power__RaplPath"] = Path.Combine(swarm.Root, "no-rapl"), // an estimate, whatever this host can read
            });
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };

        await Poll.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetStringAsync("healthz")) == "ok\n";
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, Timeout, "the drone's /healthz to answer", () => swarm.Logs);

        var before = await http.GetStringAsync("metrics");
        Assert.Equal(2, Value(before, "buildswarm_drone_slots"));
        Assert.Equal(4, Value(before, "buildswarm_drone_cores"));
        Assert.Equal(0, Value(before, "buildswarm_drone_jobs_built_total"));

        var build = await swarm.SubmitAsync(new SubmitBuildRequest(
            [new PackageRequest("app-misc/hello-1.0"), new PackageRequest("app-misc/world-2.0"), new PackageRequest("app-misc/broken-3.0")]));
        await swarm.WaitForBuildSettledAsync(build.BuildId, Timeout);

        // The counters move after the upload or the failure report, which the build's state may precede by a moment.
        var after = await Poll.UntilAsync(async () => await http.GetStringAsync("metrics") is var text
                && Value(text, "buildswarm_drone_jobs_built_total") == 2 && Value(text, "buildswarm_drone_jobs_failed_total") == 1 ? text : null,
            Timeout, "the drone to count two built jobs and the failed one", () => swarm.Logs);
        Assert.Equal(0, Value(after, "buildswarm_drone_jobs_running"));
        Assert.Equal(1, Value(after, "buildswarm_drone_build_duration_seconds_count{outcome=\"failed\"}"));
        Assert.Equal(2, Value(after, "buildswarm_drone_build_duration_seconds_count{outcome=\"built\"}"));
        Assert.True(Value(after, "buildswarm_drone_build_duration_seconds_sum{outcome=\"built\"}") >= 0.4, after);
        Assert.Equal(40, Value(after, "buildswarm_drone_power_watts"));
        Assert.Contains("buildswarm_drone_build_duration_seconds_bucket{outcome=\"built\",le=\"1\"}", after, StringComparison.Ordinal);
    }

    /// <summary>The value of the sample named exactly <paramref name="sample"/> (with its labels) in Prometheus text.</summary>
    private static double Value(string text, string sample)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no sample '{sample}' in:\n{text}");
        return double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
