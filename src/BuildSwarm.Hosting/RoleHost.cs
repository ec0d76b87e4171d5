using BuildSwarm.Hosting.Http;
using BuildSwarm.Hosting.Network;
using Prometheus;

namespace BuildSwarm.Hosting;

/// <summary>What every HTTP role shares: Kestrel on one URL, problem details, health and metrics.</summary>
public static class RoleHost
{
    public static WebApplicationBuilder CreateBuilder(string listenUrl, ILoggerProvider? logs = null, HttpSecurityOptions? security = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(listenUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(NotHttpGuard.Middleware));
        });
        builder.Logging.UseRoleLogging(logs);
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(security ?? new HttpSecurityOptions());
        builder.Services.AddSingleton<AuthFailureLimiter>();
        builder.Services.AddHostedService<IdleMemoryTrim>();
        // One registry per role instance, so several roles in one process (tests) keep their metrics apart.
        builder.Services.AddSingleton(Metrics.NewCustomRegistry());
        return builder;
    }

    /// <summary>One line per message on the console (or <paramref name="logs"/>), framework chatter only from warnings up.</summary>
    public static ILoggingBuilder UseRoleLogging(this ILoggingBuilder logging, ILoggerProvider? logs)
    {
        logging.ClearProviders();
        if (logs is not null)
        {
            logging.AddProvider(logs);
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        foreach (var category in (string[])["Microsoft.AspNetCore", "Microsoft.Hosting", "Microsoft.Extensions.Hosting", "System.Net.Http.HttpClient"])
        {
            logging.AddFilter(category, LogLevel.Warning);
        }

        return logging;
    }

    public static WebApplication UseRoleDefaults(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseAuthFailureLimiting();
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        app.UseHttpMetrics(o =>
        {
            o.InProgress.Registry = registry;
            o.RequestCount.Registry = registry;
            o.RequestDuration.Registry = registry;
        });
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapMetrics("/metrics", registry);
        return app;
    }
}
