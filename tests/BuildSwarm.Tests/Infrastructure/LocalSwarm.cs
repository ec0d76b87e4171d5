using System.Net.Http.Headers;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>
/// Gateway, orchestrator and drones as separate <c>build-swarm</c> processes on loopback ports,
/// the way an operator runs them on separate machines.
/// </summary>
public sealed class LocalSwarm : IAsyncDisposable
{
    private readonly List<SwarmProcess> _drones = [];
    private readonly List<SwarmProcess> _extraOrchestrators = [];
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _gatewayEnvironment;

    public LocalSwarm(Dictionary<string, string>? gatewayEnvironment = null)
    {
        GatewayPort = FreePort.Next();
        OrchestratorPort = FreePort.Next();
        GatewayData = _dir.Sub("gateway");
        _gatewayEnvironment = gatewayEnvironment ?? [];
        Http = new HttpClient { BaseAddress = new Uri(GatewayUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int GatewayPort { get; }

    public int OrchestratorPort { get; }

    public string GatewayUrl => $"http://127.0.0.1:{GatewayPort}";

    public string OrchestratorUrl => $"http://127.0.0.1:{OrchestratorPort}";

    public string GatewayData { get; }

    public string Root => _dir.Path;

    public SwarmProcess? Gateway { get; private set; }

    public SwarmProcess? Orchestrator { get; private set; }

    public IReadOnlyList<SwarmProcess> Drones => _drones;

    public HttpClient Http { get; }

    public string AdminToken => File.ReadAllText(Path.Combine(GatewayData, "admin.token")).Trim();

    public string ClusterToken => File.ReadAllText(Path.Combine(GatewayData, "cluster.token")).Trim();

    /// <summary>An auto-approving join token created when the gateway starts: drones of a test swarm work at once.</summary>
    public string JoinToken { get; private set; } = "";

    public string Logs => string.Join("\n", new[] { Gateway, Orchestrator }.Concat(_extraOrchestrators).Concat(_drones).Where(p => p is not null)
        .Select(p => $"===== {p!.Name} =====\n{p.Output}"));

    public async Task StartGatewayAsync()
    {
        var environment = new Dictionary<string, string>(_gatewayEnvironment)
        {
            ["BUILDSWARM_Gateway__Listen"] = GatewayUrl,
            ["BUILDSWARM_Gateway__DataDir"] = GatewayData,
        };
        Gateway = SwarmProcess.Start("gateway", ["gateway"], environment);
        await WaitHealthyAsync(GatewayUrl, Gateway);
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        JoinToken = (await CreateJoinTokenAsync(new JoinTokenRequest(AutoApprove: true, Note: "LocalSwarm"))).Token;
    }

    public async Task<JoinTokenCreated> CreateJoinTokenAsync(JoinTokenRequest request)
    {
        using var response = await Http.PostAsJsonAsync("api/gateway/join-tokens", request, SwarmJsonContext.Default.JoinTokenRequest);
        Assert.True(response.IsSuccessStatusCode, $"join token: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JoinTokenCreated))!;
    }

    /// <summary>Another orchestrator process (e.g. a site's secondary) on its own port; killed with the swarm.</summary>
    public async Task<SwarmProcess> StartOrchestratorAsync(string name, int port, string role, string site = "lab")
    {
        var url = $"http://127.0.0.1:{port}";
        var orchestrator = SwarmProcess.Start(name, ["orchestrator"], new Dictionary<string, string>
        {
            ["BUILDSWARM_Orchestrator__Listen"] = url,
            ["BUILDSWARM_Orchestrator__Name"] = name,
            ["BUILDSWARM_Orchestrator__Role"] = role,
            ["BUILDSWARM_Orchestrator__GatewayUrl"] = GatewayUrl,
            ["BUILDSWARM_Orchestrator__GatewayToken"] = ClusterToken,
            ["BUILDSWARM_Orchestrator__Site"] = site,
            ["BUILDSWARM_Orchestrator__SyncSeconds"] = "1",
        });
        _extraOrchestrators.Add(orchestrator);
        await WaitHealthyAsync(url, orchestrator);
        return orchestrator;
    }

    /// <summary>Starts the site's orchestrator; <paramref name="environment"/> adds or overrides its variables.</summary>
    public async Task StartOrchestratorAsync(Dictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["BUILDSWARM_Orchestrator__Listen"] = OrchestratorUrl,
            ["BUILDSWARM_Orchestrator__GatewayUrl"] = GatewayUrl,
            ["BUILDSWARM_Orchestrator__GatewayToken"] = ClusterToken,
            ["BUILDSWARM_Orchestrator__Site"] = "lab",
            ["BUILDSWARM_Orchestrator__SyncSeconds"] = "1",
        };
        foreach (var (key, value) in environment ?? [])
        {
            settings[key] = value;
        }

        Orchestrator = SwarmProcess.Start("orchestrator", ["orchestrator"], settings);
        await WaitHealthyAsync(OrchestratorUrl, Orchestrator);
    }

    /// <summary>Starts a drone process; <paramref name="environment"/> overrides its variables, e.g. an empty <c>BUILDSWARM_Drone__OrchestratorUrl</c> with a gateway URL for discovery.</summary>
    public SwarmProcess StartDrone(string name, string builderCommand, int slots = 1, Dictionary<string, string>? builderEnvironment = null,
        Dictionary<string, string>? environment = null, string role = "normal", IReadOnlyList<string>? launcher = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["BUILDSWARM_Drone__OrchestratorUrl"] = OrchestratorUrl,
            ["BUILDSWARM_Drone__JoinToken"] = JoinToken,
            ["BUILDSWARM_Drone__Name"] = name,
            ["BUILDSWARM_Drone__WorkDir"] = _dir.Sub(name),
            ["BUILDSWARM_Drone__Slots"] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BUILDSWARM_Drone__Cores"] = "4",
            ["BUILDSWARM_Drone__HeartbeatSeconds"] = "1",
            ["BUILDSWARM_Drone__Builder__Command"] = builderCommand,
            ["BUILDSWARM_Drone__Role"] = role,
        };
        foreach (var (key, value) in builderEnvironment ?? [])
        {
            settings[$"BUILDSWARM_Drone__Builder__Environment__{key}"] = value;
        }

        foreach (var (key, value) in environment ?? [])
        {
            settings[key] = value;
        }

        var drone = SwarmProcess.Start(name, ["drone"], settings, launcher: launcher);
        _drones.Add(drone);
        return drone;
    }

    public async Task<SubmitBuildResponse> SubmitAsync(SubmitBuildRequest request)
    {
        using var response = await Http.PostAsJsonAsync("api/gateway/build/submit", request, SwarmJsonContext.Default.SubmitBuildRequest);
        Assert.True(response.IsSuccessStatusCode, $"submit failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.SubmitBuildResponse))!;
    }

    public async Task<BuildView> BuildAsync(string buildId) =>
        (await Http.GetFromJsonAsync($"api/gateway/builds/{buildId}", SwarmJsonContext.Default.BuildView))!;

    public Task<BuildView> WaitForBuildAsync(string buildId, TimeSpan timeout) =>
        Poll.UntilAsync(async () =>
        {
            var build = await BuildAsync(buildId);
            return build.State == "running" ? null : build;
        }, timeout, $"build {buildId} to end", () => Logs);

    /// <summary>Waits until no job can move without a sweeper: done, stuck, broken or blocked.</summary>
    public Task<BuildView> WaitForBuildSettledAsync(string buildId, TimeSpan timeout) =>
        Poll.UntilAsync(async () =>
        {
            var build = await BuildAsync(buildId);
            return build.State != "running" || build.Jobs.All(j => j.State is JobState.Done or JobState.Stuck or JobState.Broken or JobState.Blocked) ? build : null;
        }, timeout, $"build {buildId} to settle", () => Logs);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _drones.Concat(_extraOrchestrators).Concat(new[] { Orchestrator, Gateway }.OfType<SwarmProcess>()))
        {
            await process.DisposeAsync();
        }

        Http.Dispose();
        _dir.Dispose();
    }

    public static async Task WaitHealthyAsync(string url, SwarmProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited early:\n{process.Output}");
            }

            using var response = await http.GetAsync($"{url}/healthz");
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), $"{process.Name} at {url} to be healthy", () => process.Output);
    }
}
