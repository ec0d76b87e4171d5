using BuildSwarm.Drone.Configuration;
using Prometheus;

namespace BuildSwarm.Drone;

/// <summary>
/// The drone's only listener, and only when <c>Drone:MetricsListen</c> is set: <c>/metrics</c> for Prometheus and
/// <c>/healthz</c>. The drone otherwise makes outgoing calls only, so nothing else is served here.
/// </summary>
public sealed partial class DroneMetricsServer(DroneOptions options, DroneMetrics metrics, ILogger<DroneMetricsServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.MetricsListen))
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.MetricsListen);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, Hosting.CommandLineLifetime>();
        _app = builder.Build();
        _app.MapGet("/healthz", () => Results.Text("ok\n"));
        _app.MapMetrics("/metrics", metrics.Registry);
        await _app.StartAsync(cancellationToken);
        LogListening(options.MetricsListen);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone metrics on {Url}/metrics")]
    private partial void LogListening(string url);
}
