using Prometheus;

namespace BuildSwarm.Orchestrator;

/// <summary>An orchestrator's metrics: its drones, their cores and power, read when scraped.</summary>
public static class SiteMetrics
{
    public static void Register(CollectorRegistry registry, DroneRegistry drones)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        var online = factory.CreateGauge("buildswarm_site_drones_online", "Drones of this site online.");
        var cores = factory.CreateGauge("buildswarm_site_cores_online", "Cores of this site's drones online.");
        var busy = factory.CreateGauge("buildswarm_site_jobs_running", "Jobs this site's drones hold.");
        var watts = factory.CreateGauge("buildswarm_site_power_watts", "Power this site's drones report now, summed.");
        registry.AddBeforeCollectCallback(() =>
        {
            var views = drones.Views().Where(d => d.State is "online" or "building").ToList();
            online.Set(views.Count);
            cores.Set(views.Sum(d => d.Cores));
            busy.Set(views.Sum(d => d.Jobs.Count));
            watts.Set(views.Sum(d => d.Watts ?? 0));
        });
    }
}
