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
        security ??= new HttpSecurityOptions();
        var tls = UseTls(listenUrl, security);
        if (tls is not null)
        {
            // The slim builder leaves HTTPS out unless asked.
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (tls is not null)
            {
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificateSelector = (_, _) => tls.Current);
            }
            else
            {
                // On a TLS listener the guard would see the handshake: it only guards plain HTTP.
                kestrel.ConfigureEndpointDefaults(listen => listen.Use(NotHttpGuard.Middleware));
            }
        });
        builder.Logging.UseRoleLogging(logs);
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(security);
        builder.Services.AddSingleton<AuthFailureLimiter>();
        builder.Services.AddHostedService<IdleMemoryTrim>();
        // One registry per role instance, so several roles in one process (tests) keep their metrics apart.
        builder.Services.AddSingleton(Metrics.NewCustomRegistry());
        return builder;
    }

    /// <summary>The certificate for an <c>https://</c> listener, or null for plain HTTP; a mismatch between URL and settings is refused.</summary>
    private static ServerCertificate? UseTls(string listenUrl, HttpSecurityOptions security)
    {
        var https = listenUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(security.CertificateFile))
        {
            return https
                ? throw new ListenerSettingsException($"{listenUrl} is an https:// URL: set Security:CertificateFile (and Security:KeyFile) for this role")
                : null;
        }

        if (!https)
        {
            throw new ListenerSettingsException($"Security:CertificateFile is set but the listen URL {listenUrl} is not https://");
        }

        try
        {
            return new ServerCertificate(security.CertificateFile, security.KeyFile, TimeProvider.System);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ListenerSettingsException($"cannot load the TLS certificate {security.CertificateFile}{(security.KeyFile is { Length: > 0 } key ? $" with key {key}" : "")}: {ex.Message}");
        }
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

/// <summary>The listener's settings cannot work (TLS without a certificate, an unreadable certificate): one line for the operator.</summary>
public sealed class ListenerSettingsException(string message) : Exception(message);
