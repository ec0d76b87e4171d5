namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>
/// A deterministic, @world-like graph for tests and benchmarks: a toolchain chain at the bottom, a few
/// huge packages (compilers, browsers) with chains of their own, and many small packages whose
/// dependencies lean towards recently added ones, which makes deep chains. Same seed, same graph.
/// </summary>
public static class WorldGraphGenerator
{
    private static readonly (string Id, double Seconds)[] Toolchain =
    [
        ("sys-kernel/linux-headers-6.12", 60),
        ("sys-libs/glibc-2.40-r5", 900),
        ("sys-devel/binutils-2.43-r2", 420),
        ("sys-devel/gcc-14.2.1", 3000),
        ("sys-libs/zlib-1.3.1", 30),
        ("dev-libs/openssl-3.3.2", 360),
        ("dev-lang/python-3.12.8", 780),
    ];

    // Each depends on the toolchain and on a share of the small packages generated before it; some also
    // on an earlier huge one (llvm -> rust -> firefox is a real chain and this graph's backbone).
    private static readonly (string Id, double Seconds, double At, string? After)[] Huge =
    [
        ("llvm-core/llvm-19.1.7", 3600, 0.1, null),
        ("dev-lang/rust-1.84.0", 4200, 0.25, "llvm-core/llvm-19.1.7"),
        ("dev-qt/qtwebengine-6.8.1", 5400, 0.5, null),
        ("www-client/firefox-134.0", 4800, 0.6, "dev-lang/rust-1.84.0"),
        ("app-office/libreoffice-24.8.4", 5000, 0.8, null),
    ];

    private static readonly string[] Categories =
    [
        "dev-libs", "sys-apps", "media-libs", "x11-libs", "dev-python", "net-misc", "app-misc", "sys-libs",
        "dev-util", "gnome-base", "kde-frameworks", "app-text",
    ];

    public static SimulationGraph Generate(int packages, int seed, int referenceCores = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packages, Toolchain.Length + Huge.Length);
        var random = new Random(seed);
        var list = new List<SimulatedPackage>(packages);
        foreach (var (id, seconds) in Toolchain)
        {
            list.Add(new SimulatedPackage(id, seconds, list.Count == 0 ? [] : [list[^1].Id]));
        }

        var small = packages - Toolchain.Length - Huge.Length;
        var hugeAt = Huge.Select(h => (int)(h.At * small)).ToArray();
        for (var i = 0; i < small; i++)
        {
            for (var h = 0; h < Huge.Length; h++)
            {
                if (hugeAt[h] == i)
                {
                    var deps = PickDeps(random, list, 4);
                    deps.Add(Toolchain[^1].Id);
                    if (Huge[h].After is { } after)
                    {
                        deps.Add(after);
                    }

                    list.Add(new SimulatedPackage(Huge[h].Id, Huge[h].Seconds, deps.ToList()));
                }
            }

            var name = $"{Categories[random.Next(Categories.Length)]}/pkg{i:D4}-{1 + random.Next(9)}.{random.Next(20)}";
            list.Add(new SimulatedPackage(name, SmallDuration(random), PickDeps(random, list, 1 + random.Next(4)).ToList()));
        }

        return new SimulationGraph(list, referenceCores);
    }

    /// <summary>Log-normal around a minute and a half, clamped to 10 s .. 20 min: most builds are short.</summary>
    private static double SmallDuration(Random random)
    {
        var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Round(Math.Clamp(90 * Math.Exp(0.9 * gaussian), 10, 1200));
    }

    private static HashSet<string> PickDeps(Random random, List<SimulatedPackage> earlier, int count)
    {
        var picked = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < count; k++)
        {
            // A third of the edges go to the last few packages: the deep chains of a real tree.
            var index = random.NextDouble() < 0.33
                ? Math.Max(0, earlier.Count - 1 - random.Next(8))
                : random.Next(earlier.Count);
            picked.Add(earlier[index].Id);
        }

        return picked;
    }
}
