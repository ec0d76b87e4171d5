using BuildSwarm.Binhost;
using BuildSwarm.Configuration;
using BuildSwarm.Dashboard;
using BuildSwarm.Fleet;
using BuildSwarm.Hosting;
using BuildSwarm.Jobs;
using BuildSwarm.Remote;
using BuildSwarm.Storage;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway;

/// <summary>The gateway role: submissions, queue and leases, binhost, status, dashboard.</summary>
public static class GatewayServer
{
    public static async Task<WebApplication> CreateAsync(GatewayOptions options, CancellationToken cancellationToken, ILoggerProvider? logs = null)
    {
        Directory.CreateDirectory(options.DataDir);
        var builder = RoleHost.CreateBuilder(options.Listen, logs);
        var secrets = new GatewaySecrets(options);
        var db = new SwarmDatabase(Path.Combine(options.DataDir, "gateway.db"));
        await db.InitializeAsync(cancellationToken);

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(secrets);
        builder.Services.AddSingleton(db);
        builder.Services.AddJobs();
        builder.Services.AddFleetRegistry();
        builder.Services.AddBinhost(options.DataDir);
        builder.Services.AddRemoteControl(options.Remote, options.DataDir);

        var app = builder.Build();
        // Rewriting the index on start heals a crash between a publish's commit and its index rewrite,
        // and gives clients of a new binhost an empty, valid index instead of a 404.
        await app.Services.GetRequiredService<BinhostIndex>().RewriteAllAsync(options.DefaultTarget, cancellationToken);
        app.UseRoleDefaults();
        app.MapBuilds();
        app.MapStatus();
        app.MapLeases();
        app.MapOrchestratorRegistry();
        app.MapBinhost();
        app.MapDashboard();
        app.MapRemoteControl();
        return app;
    }

    private static IServiceCollection AddJobs(this IServiceCollection services) =>
        services.AddSingleton<JobSignal>()
            .AddSingleton<JobStore>()
            .AddSingleton<JobQueries>()
            .AddHostedService<LeaseReaper>();

    private static IServiceCollection AddFleetRegistry(this IServiceCollection services) =>
        services.AddSingleton<FleetRegistry>();

    private static IServiceCollection AddBinhost(this IServiceCollection services, string dataDir) =>
        services.AddSingleton(new BinhostPaths(dataDir))
            .AddSingleton<BinhostIndex>()
            .AddSingleton<BinhostPublisher>();
}
