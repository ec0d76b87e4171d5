using System.Net.Http.Headers;
using BuildSwarm.Core.Contracts;

using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Cli;

/// <summary>How CLI commands reach the gateway: flags, then environment, then the swarm's data directory (<see cref="SwarmData"/>).</summary>
public sealed class GatewayConnection : IDisposable
{
    private GatewayConnection(string url, string? token)
    {
        Url = url.TrimEnd('/');
        Token = token;
        Http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        // Who runs the command, for the gateway's audit log: the admin token alone does not say.
        Http.DefaultRequestHeaders.TryAddWithoutValidation(AuditHeaders.Operator, $"{Environment.UserName}@{Environment.MachineName}");
    }

    public string Url { get; }

    public string? Token { get; }

    public HttpClient Http { get; }

    /// <summary><paramref name="data"/> is the <c>--data</c> flag; see <see cref="SwarmData"/> for what it defaults to.</summary>
    public static GatewayConnection Resolve(string? gateway, string? token, string? data)
    {
        var dataDir = SwarmData.Locate(data);
        var url = gateway
            ?? Environment.GetEnvironmentVariable("BUILDSWARM_GATEWAY")
            ?? ReadFile(Path.Combine(dataDir, "gateway.url"))
            ?? "http://127.0.0.1:8090";
        var adminToken = token
            ?? Environment.GetEnvironmentVariable("BUILDSWARM_TOKEN")
            ?? ReadFile(Path.Combine(dataDir, "admin.token"));
        return new GatewayConnection(url, adminToken);
    }

    /// <summary>Runs one call to the gateway; a gateway that does not answer is one line naming it.</summary>
    public async Task<T> ReachAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach the gateway at {Url}: {ex.Message}");
        }
    }

    public async Task<SwarmStatus> StatusAsync(CancellationToken cancellationToken) =>
        (await Http.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus, cancellationToken))!;

    public async Task<BuildView> BuildAsync(string buildId, CancellationToken cancellationToken) =>
        (await Http.GetFromJsonAsync($"api/gateway/builds/{Uri.EscapeDataString(buildId)}", SwarmJsonContext.Default.BuildView, cancellationToken))!;

    public async Task<SubmitBuildResponse> SubmitAsync(SubmitBuildRequest request, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsJsonAsync("api/gateway/build/submit", request, SwarmJsonContext.Default.SubmitBuildRequest, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"the gateway refused the build ({(int)response.StatusCode}): {await ProblemText.ReadAsync(response, cancellationToken)}");
        }

        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.SubmitBuildResponse, cancellationToken))!;
    }

    public void Dispose() => Http.Dispose();

    private static string? ReadFile(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}

/// <summary>An error the CLI reports in one line and exits 1 for.</summary>
public sealed class CliException(string message) : Exception(message);
