using System.Net;
using System.Runtime.InteropServices;
using Dispatch;

// Control-plane throughput: simulated drones against real gateway + orchestrator processes. See bench/README.md, "Dispatch".
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// One client for every drone: a pooled connection per concurrent request, no thread per drone.
using var counting = new CountingHandler(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    ConnectTimeout = TimeSpan.FromSeconds(10),
    AutomaticDecompression = DecompressionMethods.None,
    UseProxy = false,
});
using var http = new HttpClient(counting, disposeHandler: false) { Timeout = TimeSpan.FromMinutes(2) };

var repo = options.Repo;
var results = new List<RunResult>();
try
{
    using var current = await Baseline.CurrentAsync(repo, options.Build, cancel.Token);
    using var baseline = options.BaselineRef is { } rev ? await Baseline.OfRevisionAsync(repo, rev, cancel.Token)
        : options.BaselineDll is { } prebuilt ? Baseline.Existing(prebuilt) : null;
    var variants = baseline is null ? new[] { ("current", current.Dll) }
        : [("current", current.Dll), (baseline.Commit is { } commit ? $"base {options.BaselineRef} ({commit})" : $"base {options.BaselineDll}", baseline.Dll)];
    Console.WriteLine($"dispatch bench: {options.Jobs} jobs per run (+{options.Warmup} warm-up), builds of {options.Batch}, load average {CpuClock.LoadAverage()}, "
        + $"{Environment.ProcessorCount} cores");
    foreach (var shape in options.Shapes)
    {
        foreach (var drones in options.DroneCounts)
        {
            for (var round = 0; round < options.Rounds; round++)
            {
                // Alternate the order every round so that a drift in the machine's load does not favour one side.
                var order = variants.SelectMany(v => options.Modes.Select(m => (Label: v.Item1, Dll: v.Item2, Mode: m))).ToList();
                if (round % 2 == 1)
                {
                    order.Reverse();
                }

                foreach (var (label, dll, mode) in order)
                {
                    var settings = new RunSettings(label, dll, mode, shape, drones, options.Jobs, options.Batch, options.Warmup);
                    var result = await BenchRun.ExecuteAsync(settings, http, counting, cancel.Token);
                    results.Add(result);
                    Report.PrintRun(result);
                }
            }
        }
    }

    Report.PrintSummary(results);
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted; servers stopped, temp data removed");
    Report.PrintSummary(results);
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true; // let the finally blocks stop the servers and delete their data
    cancel.Cancel();
}
