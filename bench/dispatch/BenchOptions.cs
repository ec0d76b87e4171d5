using System.Globalization;

namespace Dispatch;

internal sealed record BenchOptions(
    string Repo,
    IReadOnlyList<string> Modes,
    IReadOnlyList<string> Shapes,
    IReadOnlyList<int> DroneCounts,
    int Jobs,
    int Batch,
    int Warmup,
    int Rounds,
    string? BaselineRef,
    string? BaselineDll,
    bool Build)
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench/dispatch -- [options]
          --drones 5,50,500          simulated drone counts (one slot each)
          --jobs 500                 packages per measured run
          --shape independent,chain  independent jobs, and/or a chain where each package depends on the one before
          --mode separate,up         gateway + orchestrator processes, and/or one 'up --drones 0' process
          --batch 50                 packages per submitted build (the chain continues across builds)
          --warmup 50                packages built before the clock starts (same shape; not measured)
          --rounds 1                 runs per setting, in alternating order
          --baseline-ref <rev>       also run a git revision (git archive + Release build in a temp directory)
          --baseline-dll <path>      or an already built build-swarm.dll
          --repo <dir>               checkout to measure (default: the one this bench is in)
          --no-build                 use the existing Release build of the checkout
        """;

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions(FindRepo(), ["separate", "up"], ["independent"], [5, 50, 500], 500, 50, 50, 1, null, null, true);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                options = args[i] switch
                {
                    "--drones" => options with { DroneCounts = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                    "--jobs" => options with { Jobs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--shape" => options with { Shapes = Next().Split(',') },
                    "--mode" => options with { Modes = Next().Split(',') },
                    "--batch" => options with { Batch = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--warmup" => options with { Warmup = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--rounds" => options with { Rounds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--baseline-ref" => options with { BaselineRef = Next() },
                    "--baseline-dll" => options with { BaselineDll = Path.GetFullPath(Next()) },
                    "--repo" => options with { Repo = Path.GetFullPath(Next()) },
                    "--no-build" => options with { Build = false },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine(ex.Message);
                return null;
            }
        }

        var valid = options.Jobs > 0 && options.Batch > 0 && options.Warmup >= 0 && options.Rounds > 0 && options.DroneCounts.All(d => d > 0)
            && options.Shapes.All(s => s is "independent" or "chain") && options.Modes.All(m => m is "separate" or "up")
            && (options.BaselineRef is null || options.BaselineDll is null);
        return valid ? options : null;
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BuildSwarm.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
