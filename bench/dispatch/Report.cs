using System.Globalization;

namespace Dispatch;

/// <summary>Prints each run, then a Markdown table of all runs and the ratios measured in this invocation.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void PrintRun(RunResult r)
    {
        var s = r.Settings;
        Console.WriteLine(string.Create(Invariant,
            $"[{s.Label}] {s.Mode,-8} {s.Shape,-11} drones {s.Drones,4}: {r.JobsPerSecond,7:0.0} jobs/s ({s.Jobs} in {r.Seconds:0.00} s), ")
            + string.Create(Invariant, $"server CPU {r.ServerCpuMsPerJob:0.00} ms/job, driver CPU {r.DriverCpuMsPerJob:0.00} ms/job, {r.RequestsPerJob:0.0} driver requests/job, load {r.LoadBefore} -> {r.LoadAfter}")
            + (r.Warnings > 0 ? $", {r.Warnings} warnings" : ""));
        foreach (var hop in r.Hops.Where(h => h.Count > 0))
        {
            Console.WriteLine(string.Create(Invariant, $"    {hop.Hop,-18} n={hop.Count,5}  p50 {hop.P50,8:0.0} ms  p99 {hop.P99,8:0.0} ms  max {hop.Max,8:0.0} ms"));
        }
    }

    public static void PrintSummary(IReadOnlyList<RunResult> results)
    {
        if (results.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("| build | mode | shape | drones | jobs/s | submit p50 / p99 ms | ask→lease p50 / p99 ms | upload→published p50 / p99 ms | server CPU ms/job | driver CPU ms/job | load 1/5/15 before → after |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var s = r.Settings;
            Console.WriteLine(string.Create(Invariant,
                $"| {s.Label} | {s.Mode} | {s.Shape} | {s.Drones} | {r.JobsPerSecond:0.0} | {Pair(r, "submit")} | {Pair(r, "ask→lease")} | {Pair(r, "upload→published")} ")
                + string.Create(Invariant, $"| {r.ServerCpuMsPerJob:0.00} | {r.DriverCpuMsPerJob:0.00} | {r.LoadBefore} → {r.LoadAfter} |"));
        }

        Console.WriteLine();
        PrintRatios(results, "up / separate", r => r.Settings.Mode == "up", r => r.Settings.Mode == "separate", r => (r.Settings.Label, r.Settings.Shape, r.Settings.Drones));
        var labels = results.Select(r => r.Settings.Label).Distinct(StringComparer.Ordinal).ToList();
        if (labels.Count > 1)
        {
            PrintRatios(results, $"{labels[0]} / {labels[1]}", r => r.Settings.Label == labels[0], r => r.Settings.Label == labels[1],
                r => (r.Settings.Mode, r.Settings.Shape, r.Settings.Drones));
        }
    }

    /// <summary>Ratios of medians (over rounds) of jobs/s and server CPU per job, for each setting both sides ran.</summary>
    private static void PrintRatios<TKey>(IReadOnlyList<RunResult> results, string title, Func<RunResult, bool> top, Func<RunResult, bool> bottom, Func<RunResult, TKey> key)
        where TKey : notnull
    {
        var pairs = results.Where(top).GroupBy(key)
            .Select(g => (g.Key, Top: g.ToList(), Bottom: results.Where(bottom).Where(r => key(r).Equals(g.Key)).ToList()))
            .Where(p => p.Bottom.Count > 0)
            .ToList();
        foreach (var (k, t, b) in pairs)
        {
            Console.WriteLine(string.Create(Invariant,
                $"ratio {title} {k}: jobs/s {Median(t, r => r.JobsPerSecond) / Median(b, r => r.JobsPerSecond):0.00}x, ")
                + string.Create(Invariant, $"ask→lease p99 {Median(t, r => Hop(r, "ask→lease").P99) / Median(b, r => Hop(r, "ask→lease").P99):0.00}x, ")
                + string.Create(Invariant, $"server CPU/job {Median(t, r => r.ServerCpuMsPerJob) / Median(b, r => r.ServerCpuMsPerJob):0.00}x"));
        }
    }

    private static HopSummary Hop(RunResult r, string hop) => r.Hops.First(h => h.Hop == hop);

    private static string Pair(RunResult r, string hop) => string.Create(Invariant, $"{Hop(r, hop).P50:0.0} / {Hop(r, hop).P99:0.0}");

    private static double Median(IReadOnlyList<RunResult> runs, Func<RunResult, double> value)
    {
        var sorted = runs.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
