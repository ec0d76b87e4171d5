using System.Net.Http.Headers;
using System.Net.Http.Json;
using BuildSwarm.Configuration;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway;
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

    private InProcessGateway(WebApplication app, string url, GatewayOptions options)
    {
        App = app;
        Url = url;
        Options = options;
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

    public static async Task<InProcessGateway> StartAsync(Action<GatewayOptions>? configure = null)
    {
        var dir = new TempDir();
        var options = new GatewayOptions { Listen = "http://127.0.0.1:0", DataDir = dir.Sub("data"), LeaseSeconds = 60 };
        configure?.Invoke(options);
        var app = await GatewayServer.CreateAsync(options, CancellationToken.None, NullLoggerProvider.Instance);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessGateway(app, url, options);
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

    /// <summary>Registers a fake orchestrator over the real API and leases one job for drone <paramref name="drone"/>.</summary>
    public async Task<JobLease> LeaseOneAsync(string drone = "drone-a")
    {
        using var register = await Cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration("test-orchestrator", "lab", "http://127.0.0.1:1"), SwarmJsonContext.Default.OrchestratorRegistration);
        register.EnsureSuccessStatusCode();
        var id = (await register.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
        using var lease = await Cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(id, drone, drone), SwarmJsonContext.Default.LeaseRequest);
        lease.EnsureSuccessStatusCode();
        return (await lease.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases.Single();
    }

    public async Task<BuildView> BuildAsync(string buildId) =>
        (await Anonymous.GetFromJsonAsync($"api/gateway/builds/{buildId}", SwarmJsonContext.Default.BuildView))!;

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Cluster.Dispose();
        Anonymous.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
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
