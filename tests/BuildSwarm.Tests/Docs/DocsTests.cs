using BuildSwarm.Gateway;
using BuildSwarm.Orchestrator;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BuildSwarm.Tests.Docs;

/// <summary>The docs say what the code does: code fences close, and docs/api.md lists real routes with their real auth.</summary>
public sealed class DocsTests
{
    private static readonly string Root = ApiDocRoutes.RepoRoot();

    [Fact]
    public void Every_code_fence_in_docs_is_closed()
    {
        var files = Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Append(Path.Combine(Root, "README.md"));
        var open = new List<string>();
        foreach (var file in files)
        {
            int? openedAt = null;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    openedAt = openedAt is null ? i + 1 : null;
                }
            }

            if (openedAt is { } line)
            {
                open.Add($"{Path.GetFileName(file)}:{line}");
            }
        }

        Assert.True(open.Count == 0, $"unclosed code fences at {string.Join(", ", open)}");
    }

    [Fact]
    public void The_api_doc_lists_routes_of_both_roles()
    {
        var routes = ApiDocRoutes.Read(Path.Combine(Root, "docs", "api.md"));
        Assert.Contains(routes, r => r is { Role: "gateway", Method: "GET", Path: "/api/gateway/drones", NeedsToken: true });
        Assert.Contains(routes, r => r is { Role: "gateway", Method: "GET", Path: "/api/gateway/status", NeedsToken: false });
        Assert.Contains(routes, r => r is { Role: "orchestrator", Method: "POST", Path: "/api/orchestrator/control", NeedsToken: true });
        Assert.Contains(routes, r => r is { Role: "gateway", Method: "HEAD", Path: "/binhost/Packages.gz", NeedsToken: false });
        Assert.Contains(routes, r => r is { Role: "gateway", Method: "POST", Path: "/api/gateway/binhost/gc", NeedsToken: true });
    }

    [Fact]
    public async Task Every_route_in_the_api_doc_exists_with_the_auth_it_states()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        await using var orchestrator = OrchestratorServer.Create(new OrchestratorOptions
        {
            Listen = "http://127.0.0.1:0",
            GatewayUrl = gateway.Url,
            GatewayToken = gateway.App.Services.GetRequiredService<GatewaySecrets>().ClusterToken,
            Name = "docs",
            Site = "docs",
        }, NullLoggerProvider.Instance);
        await orchestrator.StartAsync();
        var apps = new Dictionary<string, WebApplication> { ["gateway"] = gateway.App, ["orchestrator"] = orchestrator };

        var wrong = new List<string>();
        foreach (var route in ApiDocRoutes.Read(Path.Combine(Root, "docs", "api.md")))
        {
            var app = apps[route.Role];
            var sample = ApiDocRoutes.Sample(route.Path);
            if (!sample.StartsWith("/binhost/", StringComparison.Ordinal) && !HasEndpoint(app, route.Method, sample))
            {
                wrong.Add($"{route}: no such endpoint");
                continue;
            }

            var status = await CallWithoutTokenAsync(Url(app), route.Method, sample);
            if (route.NeedsToken != (status == 401))
            {
                wrong.Add($"{route}: answers {status} without a token");
            }
        }

        await orchestrator.StopAsync();
        Assert.True(wrong.Count == 0, "docs/api.md is wrong:\n" + string.Join('\n', wrong));
    }

    private static bool HasEndpoint(WebApplication app, string method, string path)
    {
        var sources = app.Services.GetServices<EndpointDataSource>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is { Count: > 0 } && !methods.Contains(method) && !(method == "HEAD" && methods.Contains("GET")))
            {
                continue;
            }

            var matcher = new TemplateMatcher(TemplateParser.Parse(endpoint.RoutePattern.RawText!.TrimStart('/')), new RouteValueDictionary());
            if (matcher.TryMatch(path, new RouteValueDictionary()))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<int> CallWithoutTokenAsync(string baseUrl, string method, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        // Headers only: the event stream never ends.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (int)response.StatusCode;
    }

    private static string Url(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
}
