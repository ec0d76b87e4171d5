using System.Diagnostics;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;
using BuildSwarm.Tests.Infrastructure.Portage;

namespace BuildSwarm.Tests.EndToEnd.RealPortage;

/// <summary>
/// Gateway, orchestrator and three real-emerge drones as separate processes, and the whole test repository built by
/// them once per test class (the build takes minutes; every test of the class inspects the same result).
/// </summary>
public sealed class RealEmergeSwarm : IAsyncDisposable
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(25);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Task<BuildView>? _build;

    public LocalSwarm Swarm { get; } = new(new Dictionary<string, string>
    {
        ["BUILDSWARM_Gateway__MaxAttempts"] = "1", // the broken package fails once and is stuck: only a sweeper may try again
        ["BUILDSWARM_Gateway__Binhost__Sign"] = "true",
    });

    public List<RealEmergeDrone> Drones { get; } = [];

    public SubmitBuildRequest Graph { get; private set; } = new([]);

    public TimeSpan BuildTime { get; private set; }

    /// <summary>CPVs built a second time by <see cref="RebuildAsync"/>: their drone compiled them twice, on purpose.</summary>
    public IReadOnlySet<string> Rebuilt => _rebuilt.ToHashSet(StringComparer.Ordinal);

    private readonly System.Collections.Concurrent.ConcurrentBag<string> _rebuilt = [];

    /// <summary>Starts the swarm and builds the repository on the first call; later calls get the same build.</summary>
    public async Task<BuildView> BuildAsync(PortagePlayground playground)
    {
        await _gate.WaitAsync();
        try
        {
            _build ??= StartAndBuildAsync(playground);
        }
        finally
        {
            _gate.Release();
        }

        return await _build;
    }

    public async Task<BuildView> RebuildAsync(string cpv)
    {
        _rebuilt.Add(cpv);
        var submitted = await Swarm.SubmitAsync(new SubmitBuildRequest([new PackageRequest(cpv, [])], TreeSnapshot: PortagePlayground.TreeSnapshot));
        var build = await Swarm.WaitForBuildAsync(submitted.BuildId, BuildTimeout);
        Assert.True(build.State == "done", $"rebuild of {cpv}: {build.State} {build.Jobs[0].Error}\n{Swarm.Logs}");
        return build;
    }

    /// <summary>A job's whole log as the drone shipped it to the gateway (the drone deletes its job directory afterwards).</summary>
    public async Task<string> JobLogAsync(long jobId)
    {
        var log = new System.Text.StringBuilder();
        while (true)
        {
            var chunk = await Swarm.Http.GetStringAsync($"api/gateway/jobs/{jobId}/log?offset={System.Text.Encoding.UTF8.GetByteCount(log.ToString())}");
            if (chunk.Length == 0)
            {
                return log.ToString();
            }

            log.Append(chunk);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Swarm.DisposeAsync();
        _gate.Dispose();
    }

    private async Task<BuildView> StartAndBuildAsync(PortagePlayground playground)
    {
        await Swarm.StartGatewayAsync();
        await Swarm.StartOrchestratorAsync();
        foreach (var name in new[] { "drone-a", "drone-b", "drone-c" })
        {
            var drone = await RealEmergeDrone.CreateAsync(playground, name);
            Drones.Add(drone);
            Swarm.StartDrone(name, "", slots: 1, environment: drone.Environment, launcher: playground.User.Launcher);
        }

        Graph = await PortageGraph.ReadAsync(playground.Planner);
        var clock = Stopwatch.StartNew();
        var submitted = await Swarm.SubmitAsync(Graph);
        var build = await Swarm.WaitForBuildSettledAsync(submitted.BuildId, BuildTimeout);
        BuildTime = clock.Elapsed;
        return build;
    }
}
