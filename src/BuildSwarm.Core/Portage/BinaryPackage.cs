namespace BuildSwarm.Core.Portage;

/// <summary>A binary package's format and metadata; <see cref="Gpkg"/> carries the container details for gpkgs.</summary>
public sealed record BinaryPackage(BinaryPackageKind Kind, IReadOnlyDictionary<string, string> Metadata, GpkgInfo? Gpkg)
{
    /// <summary>CATEGORY/PF from the metadata, or null when they do not form a valid CPV.</summary>
    public Cpv? Cpv => Cpv.TryParse($"{Metadata.GetValueOrDefault("CATEGORY")}/{Metadata.GetValueOrDefault("PF")}", out var cpv) ? cpv : null;
}
