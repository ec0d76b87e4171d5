using System.Net.Http.Headers;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway;
using BuildSwarm.Gateway.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>A real gateway (Kestrel on a loopback port, SQLite on disk) inside the test process.</summary>
public sealed class InProcessGateway : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly TimeProvider? _time;
    private bool _stopped;

    private InProcessGateway(WebApplication app, string url, GatewayOptions options, TimeProvider? time)
    {
        App = app;
        Url = url;
        Options = options;
        _time = time;
        var secrets = app.Services.GetRequiredService<GatewaySecrets>();
        Admin = Client(secrets.AdminToken);
        Cluster = Client(secrets.ClusterToken);
        Anonymous = Client(null);
    }

    public WebApplication App { get; }

    public string Url { get; }

    public GatewayOptions Options { get; }

    public HttpClient Admin { get; }

    public HttpClient Cluster { get; }

    public HttpClient Anonymous { get; }

    public string BinhostRoot => Path.Combine(Options.DataDir, "binhost", "default");

    /// <summary>Starts a gateway; <paramref name="time"/> is a clock the test controls (e.g. FakeTimeProvider), null for the system clock.</summary>
    public static async Task<InProcessGateway> StartAsync(Action<GatewayOptions>? configure = null, TimeProvider? time = null)
    {
        var dir = new TempDir();
        var options = new GatewayOptions { Listen = "http://127.0.0.1:0", DataDir = dir.Sub("data"), LeaseSeconds = 60 };
        configure?.Invoke(options);
        return await StartAsync(options, time);
    }

    /// <summary>Stops this gateway, keeping its data directory, and starts a new one on it (a restart).</summary>
    public async Task<InProcessGateway> RestartAsync()
    {
        await StopAsync();
        return await StartAsync(Options, _time);
    }

    private static async Task<InProcessGateway> StartAsync(GatewayOptions options, TimeProvider? time)
    {
        var app = await GatewayServer.CreateAsync(options, CancellationToken.None, NullLoggerProvider.Instance, time);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessGateway(app, url, options, time);
    }

    public HttpClient Client(string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    public async Task<SubmitBuildResponse> SubmitAsync(params PackageRequest[] packages)
    {
        using var response = await Admin.PostAsJsonAsync("api/gateway/build/submit", new SubmitBuildRequest(packages), SwarmJsonContext.Default.SubmitBuildRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.SubmitBuildResponse))!;
    }

    /// <summary>Admits and approves drones (node id = <paramref name="droneIds"/>) as their orchestrator would, with an auto-approving join token.</summary>
    public async Task AdmitAsync(params string[] droneIds)
    {
        using var created = await Admin.PostAsJsonAsync("api/gateway/join-tokens", new JoinTokenRequest(AutoApprove: true, Note: "test drones"), SwarmJsonContext.Default.JoinTokenRequest);
        created.EnsureSuccessStatusCode();
        var token = (await created.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JoinTokenCreated))!.Token;
        foreach (var id in droneIds)
        {
            using var admit = await Cluster.PostAsJsonAsync("api/gateway/drones/admit",
                new DroneAdmissionRequest(new DroneRegistration(id, 4, 4096, 1, NodeId: id), token, null, [], "lab"), SwarmJsonContext.Default.DroneAdmissionRequest);
            if (!admit.IsSuccessStatusCode && admit.StatusCode != System.Net.HttpStatusCode.Unauthorized)
            {
                admit.EnsureSuccessStatusCode();
            }
        }
    }

    /// <summary>Registers a fake orchestrator over the real API and leases one job for drone <paramref name="drone"/> (admitted first).</summary>
    public async Task<JobLease> LeaseOneAsync(string drone = "drone-a")
    {
        await AdmitAsync(drone);
        using var register = await Cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration("test-orchestrator", "lab", "http://127.0.0.1:1"), SwarmJsonContext.Default.OrchestratorRegistration);
        register.EnsureSuccessStatusCode();
        var id = (await register.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
        using var lease = await Cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(id, drone, drone), SwarmJsonContext.Default.LeaseRequest);
        lease.EnsureSuccessStatusCode();
        return (await lease.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases.Single();
    }

    /// <summary>Stops the gateway as a service manager would (graceful); the data directory stays until dispose.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Admin.Dispose();
        Cluster.Dispose();
        Anonymous.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async Task<BuildView> BuildAsync(string buildId) =>
        (await Anonymous.GetFromJsonAsync($"api/gateway/builds/{buildId}", SwarmJsonContext.Default.BuildView))!;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(Options.DataDir)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
