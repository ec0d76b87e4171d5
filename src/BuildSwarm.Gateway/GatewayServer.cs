using BuildSwarm.Gateway.Admission;
using BuildSwarm.Gateway.Audit;
using BuildSwarm.Gateway.Binhost;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Dashboard;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Gateway.Jobs;
using BuildSwarm.Gateway.Monitoring;
using BuildSwarm.Gateway.Remote;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway;

/// <summary>The gateway role: submissions, queue and leases, binhost, status, dashboard.</summary>
public static class GatewayServer
{
    /// <summary>Builds the gateway; <paramref name="time"/> replaces the system clock (tests), null keeps it.</summary>
    public static async Task<WebApplication> CreateAsync(GatewayOptions options, CancellationToken cancellationToken, ILoggerProvider? logs = null, TimeProvider? time = null)
    {
        Directory.CreateDirectory(options.DataDir);
        var builder = RoleHost.CreateBuilder(options.Listen, logs, options.Security);
        var secrets = new GatewaySecrets(options);
        var db = new SwarmDatabase(Path.Combine(options.DataDir, "gateway.db"));
        await db.InitializeAsync(cancellationToken);

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(secrets);
        builder.Services.AddSingleton(db);
        builder.Services.AddJobs();
        builder.Services.AddScheduling();
        builder.Services.AddFleetRegistry();
        builder.Services.AddAdmission();
        builder.Services.AddBinhost(options.DataDir);
        builder.Services.AddMonitoring();
        builder.Services.AddRemoteControl(options.Remote, options.DataDir);
        builder.Services.AddAudit(options.DataDir);

        var app = builder.Build();
        await app.Services.LoadSchedulingStateAsync(cancellationToken);
        // Rewriting the index on start heals a crash between a publish's commit and its index rewrite,
        // and gives clients of a new binhost an empty, valid index instead of a 404.
        await app.Services.GetRequiredService<BinhostIndex>().LoadAllAsync(cancellationToken);
        if (options.Binhost.Sign)
        {
            await app.Services.GetRequiredService<BinhostSigner>().EnsureKeyAsync(cancellationToken);
        }

        // Binhost reads first and routing explicitly after them: WebApplication would otherwise put routing in front.
        app.UseBinhostReads();
        app.UseRouting();
        app.UseRoleDefaults();
        app.UseAudit();
        await app.UseMonitoringAsync(cancellationToken);
        app.MapBuilds();
        app.MapStatus();
        app.MapLeases();
        app.MapQueueControl();
        app.MapDroneControls();
        app.MapOrchestratorRegistry();
        app.MapAdmission();
        app.MapFleetDrones();
        app.MapBinhost();
        app.MapDashboard();
        app.MapMonitoring();
        app.MapRemoteControl();
        app.MapAudit();
        return app;
    }

    private static IServiceCollection AddJobs(this IServiceCollection services) =>
        services.AddStorageTables()
            .AddSingleton<ChangeSignal>()
            .AddSingleton<JobStore>()
            .AddSingleton<JobFailures>()
            .AddSingleton<BuildProgress>()
            .AddSingleton<BuildVerdicts>()
            .AddHostedService<LeaseReaper>();

    private static IServiceCollection AddFleetRegistry(this IServiceCollection services) =>
        services.AddSingleton<FleetRegistry>();

    private static IServiceCollection AddBinhost(this IServiceCollection services, string dataDir) =>
        services.AddSingleton(new BinhostPaths(dataDir))
            .AddSingleton<BinhostTargets>()
            .AddSingleton<BinhostIndex>()
            .AddSingleton<BinhostSigner>()
            .AddSingleton<BinhostPublisher>()
            .AddSingleton<BinhostReleases>()
            .AddSingleton<BinhostFiles>()
            .AddSingleton<PackageFileCache>()
            .AddSingleton<BinhostReadAuth>()
            .AddSingleton<BinhostReads>()
            .AddSingleton<BinhostGarbageCollector>()
            .AddSingleton<BinhostVerifier>();
}
