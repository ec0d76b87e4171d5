using BuildSwarm.Gateway;
using BuildSwarm.Orchestrator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>A real gateway and one real orchestrator (Kestrel on loopback ports) inside the test process.</summary>
public sealed class InProcessSite : IAsyncDisposable
{
    private InProcessSite(InProcessGateway gateway, WebApplication orchestrator, string clusterToken)
    {
        Gateway = gateway;
        Orchestrator = orchestrator;
        ClusterToken = clusterToken;
        OrchestratorUrl = orchestrator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public InProcessGateway Gateway { get; }

    public WebApplication Orchestrator { get; }

    public string OrchestratorUrl { get; }

    public string ClusterToken { get; }

    /// <summary>Starts both; <paramref name="authFailuresPerMinute"/> sets both roles' failed-authentication limit (0: off).</summary>
    public static async Task<InProcessSite> StartAsync(int authFailuresPerMinute = 30)
    {
        var gateway = await InProcessGateway.StartAsync(o => o.Security.AuthFailuresPerMinute = authFailuresPerMinute);
        var cluster = gateway.App.Services.GetRequiredService<GatewaySecrets>().ClusterToken;
        var orchestrator = OrchestratorServer.Create(new OrchestratorOptions
        {
            Listen = "http://127.0.0.1:0",
            GatewayUrl = gateway.Url,
            GatewayToken = cluster,
            Name = "in-process",
            Site = "lab",
            SyncSeconds = 1,
            Security = { AuthFailuresPerMinute = authFailuresPerMinute },
        }, NullLoggerProvider.Instance);
        await orchestrator.StartAsync();
        return new InProcessSite(gateway, orchestrator, cluster);
    }

    public HttpClient OrchestratorClient(string? token = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(OrchestratorUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await Orchestrator.StopAsync();
        await Orchestrator.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}
