using System.Security.Cryptography;
using BuildSwarm.Core.Portage;

namespace Dispatch;

internal sealed record BenchPackage(byte[] Bytes, string Sha256);

/// <summary>
/// A valid ~10 KiB gpkg per CPV, written before the run with Core's <see cref="GpkgWriter"/> (random bytes, so it does
/// not compress away), so the drones' "build" costs the driver nothing while the clock runs.
/// </summary>
internal sealed class PackageStore
{
    private readonly Dictionary<string, BenchPackage> _packages = new(StringComparer.Ordinal);

    public static async Task<PackageStore> CreateAsync(IEnumerable<string> cpvs, CancellationToken cancellationToken)
    {
        var store = new PackageStore();
        foreach (var cpv in cpvs)
        {
            var parsed = Cpv.Parse(cpv);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["CATEGORY"] = parsed.Category,
                ["PF"] = parsed.Pf,
                ["SLOT"] = "0",
                ["EAPI"] = "8",
            };
            using var output = new MemoryStream();
            await GpkgWriter.WriteAsync(output, metadata, [new GpkgImageFile($"usr/share/doc/{parsed.Pf}/payload", RandomNumberGenerator.GetBytes(8 * 1024))],
                null, cancellationToken);
            var bytes = output.ToArray();
            store._packages[cpv] = new BenchPackage(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        return store;
    }

    public int AverageSize => _packages.Count == 0 ? 0 : (int)_packages.Values.Average(p => p.Bytes.Length);

    public BenchPackage For(string cpv) => _packages.TryGetValue(cpv, out var package)
        ? package
        : throw new InvalidOperationException($"the orchestrator leased {cpv}, which this run did not submit");
}
