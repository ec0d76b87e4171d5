using static BuildSwarm.Tests.Security.Credential;

namespace BuildSwarm.Tests.Security;

/// <summary>
/// One route of a role, the credentials it lets through and how to call it: <see cref="Sample"/> fills the route's
/// parameters ({drone}, {job}, {orchestrator} are replaced with the live ids of the matrix swarm).
/// </summary>
public sealed record RouteRule(string Role, string Method, string Pattern, IReadOnlySet<Credential> Allowed, string Sample, string? Body = "{}");

/// <summary>
/// The expected authorization of every route of the gateway and the orchestrator. A route the apps serve that is not
/// listed here fails <see cref="AuthorizationMatrixTests"/>: a new route must say who may call it.
/// </summary>
public static class AuthorizationTable
{
    private static readonly IReadOnlySet<Credential> Everyone = Enum.GetValues<Credential>().ToHashSet();
    private static readonly IReadOnlySet<Credential> AdminOnly = new HashSet<Credential> { Admin };
    private static readonly IReadOnlySet<Credential> ClusterOnly = new HashSet<Credential> { Cluster };
    private static readonly IReadOnlySet<Credential> SessionOnly = new HashSet<Credential> { DroneSession };
    private static readonly IReadOnlySet<Credential> ThisLease = new HashSet<Credential> { LeaseOfThisJob };
    private static readonly IReadOnlySet<Credential> Enrolment = new HashSet<Credential> { Join, DroneCredential };

    public static IReadOnlyList<RouteRule> Rules { get; } =
    [
        // Gateway: open reads.
        new("gateway", "GET", "/", Everyone, "/"),
        new("gateway", "GET", "/healthz", Everyone, "/healthz"),
        new("gateway", "GET", "/dashboard/queue.js", Everyone, "/dashboard/queue.js"),
        new("gateway", "GET", "/metrics", Everyone, "/metrics"),
        new("gateway", "GET", "/api/gateway/status", Everyone, "/api/gateway/status"),
        new("gateway", "GET", "/api/swarm/status", Everyone, "/api/swarm/status"),
        new("gateway", "GET", "/api/gateway/builds", Everyone, "/api/gateway/builds"),
        new("gateway", "GET", "/api/gateway/builds/{id}", Everyone, "/api/gateway/builds/nosuch"),
        new("gateway", "GET", "/api/swarm/builds", Everyone, "/api/swarm/builds"),
        new("gateway", "GET", "/api/swarm/builds/{id}", Everyone, "/api/swarm/builds/nosuch"),
        new("gateway", "GET", "/api/gateway/monitor", Everyone, "/api/gateway/monitor"),
        new("gateway", "GET", "/api/swarm/monitor", Everyone, "/api/swarm/monitor"),
        new("gateway", "GET", "/api/gateway/energy", Everyone, "/api/gateway/energy"),
        new("gateway", "GET", "/api/swarm/energy", Everyone, "/api/swarm/energy"),
        new("gateway", "GET", "/api/gateway/events", Everyone, "/api/gateway/events?format=json"),
        new("gateway", "GET", "/api/swarm/events", Everyone, "/api/swarm/events?format=json"),
        new("gateway", "GET", "/api/gateway/jobs/{id:long}/log", Everyone, "/api/gateway/jobs/{job}/log"),
        new("gateway", "GET", "/api/swarm/jobs/{id:long}/log", Everyone, "/api/swarm/jobs/{job}/log"),
        new("gateway", "GET", "/api/gateway/orchestrators", Everyone, "/api/gateway/orchestrators"),
        new("gateway", "GET", "/api/gateway/alerts", Everyone, "/api/gateway/alerts"),
        new("gateway", "GET", "/api/gateway/remote/routes", Everyone, "/api/gateway/remote/routes"),
        new("gateway", "GET", "/api/gateway/binhost/key", Everyone, "/api/gateway/binhost/key"),

        // Gateway: operators.
        new("gateway", "POST", "/api/gateway/build/submit", AdminOnly, "/api/gateway/build/submit"),
        new("gateway", "POST", "/api/command", AdminOnly, "/api/command"),
        new("gateway", "GET", "/api/gateway/drones", AdminOnly, "/api/gateway/drones"),
        new("gateway", "POST", "/api/gateway/drones/{id}/approve", AdminOnly, "/api/gateway/drones/nobody/approve", null),
        new("gateway", "POST", "/api/gateway/drones/{id}/reject", AdminOnly, "/api/gateway/drones/nobody/reject", null),
        new("gateway", "POST", "/api/gateway/drones/{id}/revoke", AdminOnly, "/api/gateway/drones/nobody/revoke", null),
        new("gateway", "POST", "/api/gateway/drones/{id}/reset", AdminOnly, "/api/gateway/drones/nobody/reset", null),
        new("gateway", "POST", "/api/gateway/drones/{id}/rename", AdminOnly, "/api/gateway/drones/nobody/rename"),
        new("gateway", "POST", "/api/gateway/drones/{name}/drain", AdminOnly, "/api/gateway/drones/nobody/drain", null),
        new("gateway", "POST", "/api/gateway/drones/{name}/undrain", AdminOnly, "/api/gateway/drones/nobody/undrain", null),
        new("gateway", "POST", "/api/gateway/drones/{name}/pause", AdminOnly, "/api/gateway/drones/nobody/pause", null),
        new("gateway", "POST", "/api/gateway/drones/{name}/resume", AdminOnly, "/api/gateway/drones/nobody/resume", null),
        new("gateway", "POST", "/api/gateway/drones/{name}/limit", AdminOnly, "/api/gateway/drones/nobody/limit", """{"cores":2}"""),
        new("gateway", "POST", "/api/gateway/builds/{id}/cancel", AdminOnly, "/api/gateway/builds/nosuch/cancel", null),
        new("gateway", "POST", "/api/gateway/builds/{id}/retry", AdminOnly, "/api/gateway/builds/nosuch/retry", null),
        new("gateway", "POST", "/api/gateway/jobs/{id:long}/retry", AdminOnly, "/api/gateway/jobs/999999/retry", null),
        new("gateway", "POST", "/api/gateway/jobs/{id:long}/unblock", AdminOnly, "/api/gateway/jobs/999999/unblock", null),
        new("gateway", "POST", "/api/gateway/swarm/pause", AdminOnly, "/api/gateway/swarm/pause", null),
        new("gateway", "POST", "/api/gateway/swarm/resume", AdminOnly, "/api/gateway/swarm/resume", null),
        new("gateway", "POST", "/api/gateway/join-tokens", AdminOnly, "/api/gateway/join-tokens", "{\"expiresInSeconds\":0}"),
        new("gateway", "GET", "/api/gateway/join-tokens", AdminOnly, "/api/gateway/join-tokens"),
        new("gateway", "POST", "/api/gateway/join-tokens/{id}/revoke", AdminOnly, "/api/gateway/join-tokens/nosuch/revoke", null),
        new("gateway", "POST", "/api/gateway/binhost/key", AdminOnly, "/api/gateway/binhost/key", null),
        new("gateway", "GET", "/api/gateway/binhost/targets/{target}/releases", AdminOnly, "/api/gateway/binhost/targets/nosuch/releases"),
        new("gateway", "POST", "/api/gateway/binhost/targets/{target}/promote", AdminOnly, "/api/gateway/binhost/targets/nosuch/promote"),
        new("gateway", "POST", "/api/gateway/binhost/targets/{target}/rollback", AdminOnly, "/api/gateway/binhost/targets/nosuch/rollback", null),
        new("gateway", "POST", "/api/gateway/binhost/gc", AdminOnly, "/api/gateway/binhost/gc", null),
        new("gateway", "POST", "/api/gateway/binhost/verify", AdminOnly, "/api/gateway/binhost/verify?repair=false", null),
        new("gateway", "GET", "/api/gateway/audit", AdminOnly, "/api/gateway/audit"),

        // Gateway: orchestrators.
        new("gateway", "POST", "/api/gateway/orchestrators/register", ClusterOnly, "/api/gateway/orchestrators/register"),
        new("gateway", "POST", "/api/gateway/orchestrators/{id}/sync", ClusterOnly, "/api/gateway/orchestrators/{orchestrator}/sync"),
        new("gateway", "POST", "/api/gateway/drones/admit", ClusterOnly, "/api/gateway/drones/admit"),
        new("gateway", "POST", "/api/gateway/jobs/lease", ClusterOnly, "/api/gateway/jobs/lease"),
        new("gateway", "POST", "/api/gateway/jobs/renew", ClusterOnly, "/api/gateway/jobs/renew"),
        new("gateway", "POST", "/api/gateway/jobs/{id:long}/progress", ClusterOnly, "/api/gateway/jobs/{job}/progress"),
        new("gateway", "POST", "/api/gateway/jobs/{id:long}/fail", ClusterOnly, "/api/gateway/jobs/{job}/fail"),
        new("gateway", "POST", "/api/gateway/control/confirm", ClusterOnly, "/api/gateway/control/confirm"),

        // Gateway: the lease of a job is the credential for that job's package and log.
        new("gateway", "PUT", "/api/gateway/binhost/upload/{jobId:long}", ThisLease, "/api/gateway/binhost/upload/{job}", ""),
        new("gateway", "POST", "/api/gateway/jobs/{id:long}/log", ThisLease, "/api/gateway/jobs/{job}/log?offset=0", ""),

        // Orchestrator.
        new("orchestrator", "GET", "/healthz", Everyone, "/healthz"),
        new("orchestrator", "GET", "/metrics", Everyone, "/metrics"),
        new("orchestrator", "GET", "/api/orchestrator/status", Everyone, "/api/orchestrator/status"),
        new("orchestrator", "POST", "/api/orchestrator/drones/register", Enrolment, "/api/orchestrator/drones/register", "register"),
        new("orchestrator", "POST", "/api/orchestrator/drones/{id}/heartbeat", SessionOnly, "/api/orchestrator/drones/{drone}/heartbeat"),
        new("orchestrator", "POST", "/api/orchestrator/drones/{id}/work", SessionOnly, "/api/orchestrator/drones/{drone}/work", null),
        new("orchestrator", "POST", "/api/orchestrator/drones/{id}/jobs/{jobId:long}/progress", SessionOnly, "/api/orchestrator/drones/{drone}/jobs/{job}/progress"),
        new("orchestrator", "POST", "/api/orchestrator/drones/{id}/jobs/{jobId:long}/fail", SessionOnly, "/api/orchestrator/drones/{drone}/jobs/{job}/fail"),
        new("orchestrator", "POST", "/api/orchestrator/control", ClusterOnly, "/api/orchestrator/control"),
    ];
}
