using System.Diagnostics;
using System.Globalization;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Core.Scheduling.Simulation;
using BuildSwarm.Gateway;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Gateway.Jobs;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;
using LeaseLatency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Lease latency of the gateway's planned pick (HEFT on a cached plan) against the skeleton's queue-order
// pick, on the same graph, fleet and workload, in one run. Usage: LeaseLatency [jobs] [drones] [completions]
var jobCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3000;
var droneCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var completions = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 300;

Console.WriteLine($"graph: {jobCount} jobs (WorldGraphGenerator seed 42); fleet: {droneCount} drones (16/8/8/14/20 cores); {completions} completions");
var baseline = await RunAsync("queue pick (old)", planned: false);
var heft = await RunAsync("heft plan (new)", planned: true);
Console.WriteLine();
Console.WriteLine("| pick | asks | leased | mean ms | p50 ms | p99 ms | max ms | plans | plan ms (median / min) | CPU s (whole run) |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var r in new[] { baseline, heft })
{
    Console.WriteLine(FormattableString.Invariant(
        $"| {r.Name} | {r.Asks} | {r.Leased} | {r.Mean:F2} | {r.P50:F2} | {r.P99:F2} | {r.Max:F2} | {r.Plans} | {r.PlanMedian:F1} / {r.PlanMin:F1} | {r.CpuSeconds:F2} |"));
}

Console.WriteLine(FormattableString.Invariant(
    $"ratio heft / queue: mean {heft.Mean / baseline.Mean:F2}x, p99 {heft.P99 / baseline.P99:F2}x, CPU {heft.CpuSeconds / baseline.CpuSeconds:F2}x; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));

async Task<Result> RunAsync(string name, bool planned)
{
    var dir = Directory.CreateTempSubdirectory("lease-bench-");
    try
    {
        var options = new GatewayOptions { Listen = "http://127.0.0.1:0", DataDir = dir.FullName, LeaseSeconds = 3600 };
        await using var app = await GatewayServer.CreateAsync(options, CancellationToken.None, NullLoggerProvider.Instance);
        var services = app.Services;
        var jobs = services.GetRequiredService<JobStore>();
        var db = services.GetRequiredService<SwarmDatabase>();
        var packages = services.GetRequiredService<PackageTables>();
        var fleet = services.GetRequiredService<FleetRegistry>();
        var graph = WorldGraphGenerator.Generate(jobCount, seed: 42);
        await jobs.SubmitAsync(new SubmitBuildRequest(graph.Packages.Select(p => new PackageRequest(p.Id, p.Deps ?? [])).ToList()), CancellationToken.None);

        var orchestrator = await fleet.RegisterAsync(new OrchestratorRegistration("bench", "lab", "http://127.0.0.1:1"), CancellationToken.None);
        int[] cores = [16, 8, 8, 14, 20];
        var drones = Enumerable.Range(0, droneCount).Select(i =>
        {
            var c = cores[i % cores.Length];
            return new DroneView($"id-{i:D4}", $"drone-{i:D4}", "lab", c, 65536, DroneSlots.Compute(c, 65536), "online", null, [], DateTimeOffset.UtcNow);
        }).ToList();
        await fleet.SyncAsync(orchestrator, new OrchestratorSync(drones), CancellationToken.None);

        var latencies = new List<double>();
        var plans = new List<double>();
        var planner = services.GetRequiredService<LeasePlanner>();
        var leased = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var held = new List<(JobLease Lease, DroneView Drone)>();
        async Task AskAsync(DroneView drone)
        {
            var request = new LeaseRequest(orchestrator, drone.Id, drone.Name, 1, Role: DroneRole.Normal, Cores: drone.Cores, Slots: drone.Slots);
            var plansBefore = planner.PlansMade;
            var started = Stopwatch.GetTimestamp();
            var leases = planned ? await jobs.LeaseAsync(request, CancellationToken.None) : await QueuePick.LeaseAsync(db, request, options.LeaseSeconds);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (planner.PlansMade > plansBefore)
            {
                plans.Add(planner.LastPlanMilliseconds);
            }
            held.AddRange(leases.Select(l => (l, drone)));
            leased += leases.Count;
        }

        // Fill: every slot of every drone asks once.
        foreach (var drone in drones)
        {
            for (var slot = 0; slot < drone.Slots; slot++)
            {
                await AskAsync(drone);
            }
        }

        // Steady state: a build completes (published, dependants readied, a pulse), its drone asks again,
        // and so do four other drones whose slots are full. Every completion invalidates the plan.
        var random = new Random(7);
        for (var i = 0; i < completions && held.Count > 0; i++)
        {
            var index = random.Next(held.Count);
            var (lease, drone) = held[index];
            held.RemoveAt(index);
            var draft = new PublicationDraft(lease.JobId, lease.LeaseId, lease.Target, lease.Cpv, b => $"bench/{lease.JobId}-{b}", 0, "", "", "", 0, "{}", 1);
            await packages.PublishAsync(draft, rows => rows, CancellationToken.None);
            jobs.NotifyReady();
            await AskAsync(drone);
            for (var k = 0; k < 4; k++)
            {
                await AskAsync(drones[random.Next(drones.Count)]);
            }
        }

        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        latencies.Sort();
        plans.Sort();
        return new Result(name, latencies.Count, leased, latencies.Average(), Percentile(latencies, 0.5), Percentile(latencies, 0.99), latencies[^1],
            plans.Count, plans.Count > 0 ? Percentile(plans, 0.5) : 0, plans.Count > 0 ? plans[0] : 0, cpuSeconds);
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

internal sealed record Result(string Name, int Asks, int Leased, double Mean, double P50, double P99, double Max, int Plans, double PlanMedian, double PlanMin, double CpuSeconds);
