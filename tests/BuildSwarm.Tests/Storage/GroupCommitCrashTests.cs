using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Storage;

/// <summary>
/// Group commit answers a write only once the transaction holding it is on disk: concurrent submissions
/// share commits, and a gateway killed with -9 in the middle of them has every answered one after a restart.
/// </summary>
public sealed class GroupCommitCrashTests
{
    private const int Workers = 24;

    [Fact]
    public async Task Every_answered_write_survives_a_kill_in_the_middle_of_a_group()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        var answered = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var request = new SubmitBuildRequest([new PackageRequest($"app-misc/w{w}-n{i}-1.0")]);
                    using var response = await swarm.Http.PostAsJsonAsync("api/gateway/build/submit", request, SwarmJsonContext.Default.SubmitBuildRequest, stop.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        answered.Add((await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.SubmitBuildResponse, stop.Token))!.BuildId);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                {
                    return; // the gateway is gone: what it answered is what counts
                }
            }
        })).ToList();

        await Poll.UntilAsync(() => Task.FromResult(answered.Count >= 400), TimeSpan.FromSeconds(90), "400 answered submissions", () => swarm.Logs);
        var metrics = await swarm.Http.GetStringAsync("metrics", TestContext.Current.CancellationToken);
        var (commits, writes) = (Counter(metrics, "buildswarm_db_commits_total"), Counter(metrics, "buildswarm_db_writes_total"));
        Assert.True(writes > commits, $"{Workers} concurrent writers should share commits: {writes} writes in {commits} commits");

        await swarm.Gateway!.KillAsync(); // while the workers keep writing
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var survivors = answered.ToList();

        await swarm.StartGatewayAsync();
        var missing = new List<string>();
        foreach (var id in survivors)
        {
            using var response = await swarm.Http.GetAsync($"api/gateway/builds/{id}", TestContext.Current.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                missing.Add(id);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {survivors.Count} answered submissions are gone after kill -9: {string.Join(", ", missing.Take(10))}");
    }

    private static double Counter(string metrics, string name)
    {
        var match = Regex.Match(metrics, $"^{Regex.Escape(name)} ([0-9.e+]+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} is not in /metrics");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
