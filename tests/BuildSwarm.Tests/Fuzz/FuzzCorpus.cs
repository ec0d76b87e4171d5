using System.Security.Cryptography;
using System.Text;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Tests.Fuzz;

/// <summary>The requests of one fuzz run, built from a seed: every JSON route mutated, traversal and query abuse, headers, uploads, logs.</summary>
public static class FuzzCorpus
{
    public sealed record Context(string Gateway, string Orchestrator, string Admin, string Cluster, string Join, string OrchestratorId,
        DroneRegistered Drone, IReadOnlyList<JobLease> Leases, byte[] Gpkg);

    private static readonly string[] Traversals =
    [
        "/binhost/../../../etc/passwd", "/binhost/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/binhost/..%2f..%2f..%2fetc%2fpasswd", "/binhost/....//....//etc/passwd",
        "/binhost/%00", "/binhost/..%5c..%5cgateway.db", "/binhost//etc/passwd", "/binhost/releases/../../../gateway.db", "/binhost/default/../../admin.token",
        "/binhost/Packages%00.gz", "/binhost/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/binhost/%252e%252e/%252e%252e/admin.token", "/binhost/releases/stable/../../../../cluster.token",
        "/binhost/.incoming/", "/binhost/app-misc/../../../audit.jsonl", "/binhost/~root/.ssh/id_rsa", "/binhost/" + new string('a', 6000), "/binhost/%ff%fe",
        "/binhost/releases/%2e%2e%2f%2e%2e%2fgateway.db", "/binhost/default/releases/../../../../etc/shadow", "/%2e%2e/%2e%2e/etc/passwd", "/binhost/.%2e/.%2e/admin.token",
        "/binhost/gateway.db", "/binhost/../gateway.db-wal", "/binhost/default/.git/config",
    ];

    private static readonly string[] Hostile =
    [
        "", "-1", "0", "abc", "1e9", "99999999999999999999", "%00", "%ff%fe", "'%20OR%201=1%20--", "$%7Bjndi:ldap://x%7D", new string('9', 5000), "%0d%0aX:%20y", "..%2f..", "NaN",
    ];

    public static List<FuzzRequest> Build(Random random, Context c)
    {
        var requests = new List<FuzzRequest>();
        var job = c.Leases[0].JobId;
        (string, string)[] Bearer(string token) => [("Authorization", $"Bearer {token}")];
        var view = $"{{\"id\":\"d-fzv\",\"name\":\"fzv\",\"site\":\"lab\",\"cores\":2,\"ramMb\":1024,\"slots\":1,\"state\":\"online\",\"address\":\"10.0.0.9\",\"jobs\":[\"app-misc/x-1\"],\"lastSeen\":\"2026-01-01T00:00:00Z\",\"watts\":1.5,\"role\":\"normal\"}}";
        var registration = "{\"name\":\"fzr\",\"cores\":1,\"ramMb\":1,\"slots\":1,\"reportIp\":\"127.0.0.1\",\"nodeId\":\"d-fzr\",\"version\":\"x\",\"targets\":[\"default\"],\"role\":\"normal\",\"hostName\":\"h\",\"addresses\":[\"127.0.0.1\"],\"kind\":\"vm\"}";
        var routes = new (string Url, string Token, string Body)[]
        {
            ($"{c.Gateway}/api/gateway/orchestrators/register", c.Cluster, "{\"name\":\"fz\",\"site\":\"fz\",\"url\":\"http://127.0.0.1:1\",\"role\":\"secondary\"}"),
            ($"{c.Gateway}/api/gateway/orchestrators/{c.OrchestratorId}/sync", c.Cluster, $"{{\"drones\":[{view}]}}"),
            ($"{c.Gateway}/api/gateway/drones/admit", c.Cluster, $"{{\"registration\":{registration},\"secret\":\"bsj_x\",\"observedAddress\":\"1.2.3.4\",\"orchestratorAddresses\":[\"10.0.0.1\"],\"site\":\"lab\",\"orchestratorId\":\"o\"}}"),
            ($"{c.Gateway}/api/gateway/jobs/lease?wait=0", c.Cluster, $"{{\"orchestratorId\":\"{c.OrchestratorId}\",\"droneId\":\"d-fzx\",\"droneName\":\"x\",\"max\":1,\"targets\":[\"default\"],\"role\":\"normal\",\"cores\":2,\"slots\":1}}"),
            ($"{c.Gateway}/api/gateway/jobs/renew", c.Cluster, "{\"leaseIds\":[\"a\",\"b\"]}"),
            ($"{c.Gateway}/api/gateway/jobs/{job}/progress", c.Cluster, "{\"leaseId\":\"x\",\"state\":\"building\"}"),
            ($"{c.Gateway}/api/gateway/jobs/{job}/fail", c.Cluster, "{\"leaseId\":\"x\",\"error\":\"e\",\"logTail\":\"t\"}"),
            ($"{c.Gateway}/api/gateway/control/confirm", c.Cluster, "{\"droneId\":\"d\",\"order\":{\"id\":\"x\",\"action\":\"reboot\",\"nodeId\":\"d\"},\"waitSeconds\":15}"),
            ($"{c.Gateway}/api/gateway/build/submit", c.Admin, "{\"packages\":[{\"cpv\":\"app-misc/fzz-1.0\",\"deps\":[\"app-misc/fzd-1.0\"]}],\"target\":\"default\",\"priority\":0,\"treeSnapshot\":\"abc\"}"),
            ($"{c.Gateway}/api/command", c.Admin, "{\"action\":\"restart\",\"drone\":\"nobody\",\"force\":false}"),
            ($"{c.Gateway}/api/gateway/drones/nobody/rename", c.Admin, "{\"name\":\"x\"}"),
            ($"{c.Gateway}/api/gateway/join-tokens", c.Admin, "{\"expiresInSeconds\":60,\"singleUse\":true,\"autoApprove\":false,\"note\":\"fz\"}"),
            ($"{c.Gateway}/api/gateway/binhost/targets/nosuch/promote", c.Admin, "{\"name\":\"r1\"}"),
            ($"{c.Orchestrator}/api/orchestrator/drones/register", c.Join, registration),
            ($"{c.Orchestrator}/api/orchestrator/drones/{c.Drone.DroneId}/heartbeat", c.Drone.DroneToken,
                $"{{\"leaseIds\":[\"{c.Leases[0].LeaseId}\"],\"load1\":0.5,\"watts\":10,\"powerSource\":\"rapl\",\"held\":[{{\"leaseId\":\"{c.Leases[0].LeaseId}\",\"jobId\":{job},\"cpv\":\"a/b-1\"}}]}}"),
            ($"{c.Orchestrator}/api/orchestrator/drones/{c.Drone.DroneId}/jobs/{job}/progress", c.Drone.DroneToken, "{\"leaseId\":\"x\",\"state\":\"building\"}"),
            ($"{c.Orchestrator}/api/orchestrator/drones/{c.Drone.DroneId}/jobs/{job}/fail", c.Drone.DroneToken, "{\"leaseId\":\"x\",\"error\":\"e\"}"),
            ($"{c.Orchestrator}/api/orchestrator/control", c.Cluster, "{\"droneId\":\"d\",\"order\":{\"id\":\"x\",\"action\":\"reboot\",\"nodeId\":\"d\"},\"waitSeconds\":1}"),
        };
        foreach (var (url, token, body) in routes)
        {
            requests.AddRange(JsonFuzz.Variants(random, "POST", url, body, Bearer(token), randomCount: 140));
        }

        AddReads(requests, c, job, Bearer);
        AddUploads(requests, random, c);
        return requests;
    }

    private static void AddReads(List<FuzzRequest> requests, Context c, long job, Func<string, (string, string)[]> bearer)
    {
        string[] ranges = ["", "bytes=0-", "bytes=-1", "bytes=999999999999-", "bytes=a-b", string.Join(',', Enumerable.Range(0, 200).Select(i => $"{i}-{i}")).Insert(0, "bytes=")];
        foreach (var path in Traversals)
        {
            foreach (var method in new[] { "GET", "HEAD" })
            {
                foreach (var range in ranges)
                {
                    requests.Add(new FuzzRequest("traversal", method, c.Gateway + path, null, null, range.Length == 0 ? [] : [("Range", range)]));
                }
            }
        }

        foreach (var value in Hostile)
        {
            foreach (var (url, token) in new (string, string?)[]
            {
                ($"{c.Gateway}/api/gateway/events?format=json&since={value}", null), ($"{c.Gateway}/api/gateway/jobs/{job}/log?offset={value}", null),
                ($"{c.Gateway}/api/gateway/jobs/{job}/log?offset=0&wait={(value.Length > 3 ? "1" : value)}", null), ($"{c.Gateway}/api/gateway/builds/{value}", null),
                ($"{c.Gateway}/api/swarm/builds/{value}", null), ($"{c.Gateway}/api/gateway/audit?limit={value}", c.Admin), ($"{c.Gateway}/api/gateway/alerts?all={value}", null),
                ($"{c.Gateway}/api/gateway/binhost/targets/{value}/releases", c.Admin), ($"{c.Gateway}/api/gateway/jobs/{value}/log", null), ($"{c.Gateway}/binhost/{value}", null),
            })
            {
                foreach (var header in new[] { token is null ? [] : bearer(token), [("Authorization", "Bearer " + value)], [("If-None-Match", value), ("If-Modified-Since", value)] })
                {
                    requests.Add(new FuzzRequest("query", "GET", url, null, null, header));
                }
            }
        }

        var status = $"{c.Gateway}/api/gateway/status";
        for (var i = 0; i < 25; i++)
        {
            requests.Add(new FuzzRequest("header-huge", "GET", status, null, null, [("Authorization", "Bearer " + new string('a', 40_000 + i))]));
            requests.Add(new FuzzRequest("header-many", "GET", status, null, null, [.. Enumerable.Range(0, 150).Select(n => ($"X-Fuzz-{n}", new string('b', 400)))]));
            requests.Add(new FuzzRequest("header-forwarded", "GET", status, null, null, [("X-Forwarded-For", "1.2.3.4, " + new string('9', 2000)), ("X-Forwarded-Proto", "gopher")]));
            requests.Add(new FuzzRequest("header-garbage-token", "GET", $"{c.Gateway}/api/gateway/drones", null, null, [("Authorization", $"Bearer {i}%$#@!\\\"'`{{}}")]));
        }
    }

    private static void AddUploads(List<FuzzRequest> requests, Random random, Context c)
    {
        var bodies = PackageFuzz.Bodies(random, c.Gpkg, randomCount: 250).ToList();
        for (var i = 0; i < bodies.Count; i++)
        {
            var lease = c.Leases[1 + (i % (c.Leases.Count - 1))];
            var body = bodies[i];
            var sha = Convert.ToHexStringLower(SHA256.HashData(body));
            var url = $"{c.Gateway}/api/gateway/binhost/upload/{lease.JobId}";
            requests.Add(new FuzzRequest("upload", "PUT", url, body, "application/octet-stream", [(UploadHeaders.Lease, lease.LeaseId), ("X-Content-SHA256", sha)], SlowChunks: i % 100 == 0 ? 10 : 0));
            if (i % 10 == 0)
            {
                requests.Add(new FuzzRequest("upload-bad-sha", "PUT", url, body, null, [(UploadHeaders.Lease, lease.LeaseId), ("X-Content-SHA256", i % 20 == 0 ? new string('z', 64) : sha[..10])]));
                requests.Add(new FuzzRequest("upload-target", "PUT", url, body, null, [(UploadHeaders.Lease, lease.LeaseId), ("X-Content-SHA256", sha), ("X-Binhost-Target", "../../etc")]));
                var log = new byte[random.Next(0, 3000)];
                random.NextBytes(log);
                requests.Add(new FuzzRequest("log", "POST", $"{c.Gateway}/api/gateway/jobs/{lease.JobId}/log?lease={lease.LeaseId}&offset={random.Next(-5, 5000)}", log, "application/octet-stream", []));
                requests.Add(new FuzzRequest("log", "POST", $"{c.Gateway}/api/gateway/jobs/{lease.JobId}/log?lease={lease.LeaseId}&offset=0", Encoding.UTF8.GetBytes("ok \u0000 \uFFFD"), null, []));
            }
        }
    }
}
