using BuildSwarm.Core.Contracts;
namespace BuildSwarm.Gateway.Fleet;

/// <summary>Per-site figures for the status page; a site nobody has heard from lately is shown as unreachable, not dropped.</summary>
public static class SiteAggregation
{
    public static IReadOnlyList<SiteStatus> Sites(FleetRegistry fleet, IReadOnlyList<OrchestratorView> orchestrators, DateTimeOffset now) =>
        orchestrators.GroupBy(o => o.Site, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(site =>
        {
            var reachable = site.Any(o => o.Healthy);
            var lastSync = site.Max(o => o.LastSeen);

            // An unreachable site's drones are its last known ones: how many there were, none counted online.
            var drones = fleet.Latest(site).Where(d => d.Site == site.Key).ToList();
            var online = reachable ? drones.Where(d => d.State is "online" or "building").ToList() : [];
            return new SiteStatus(
                site.Key,
                reachable,
                Math.Round((now - lastSync).TotalSeconds, 1),
                online.Sum(d => d.Cores),
                online.Count,
                drones.Count,
                reachable ? drones.Sum(d => d.Jobs.Count) : 0,
                Name(site, "primary"),
                Name(site, "secondary"));
        }).ToList();

    private static string? Name(IEnumerable<OrchestratorView> site, string role) =>
        site.Where(o => o.Role == role).OrderByDescending(o => o.LastSeen).Select(o => o.Name).FirstOrDefault();
}
