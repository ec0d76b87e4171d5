namespace BuildSwarm.Core.Portage;

/// <summary>What one pass over a gpkg container collected, before it is checked against the Manifest.</summary>
internal sealed class GpkgScan
{
    public string? TopDirectory { get; set; }

    public List<string> Members { get; } = [];

    public GpkgMemberKind? LastKind { get; set; }

    public Dictionary<string, GpkgDigest> Digests { get; } = new(StringComparer.Ordinal);

    public GpkgCompression MetadataCompression { get; set; }

    public GpkgCompression ImageCompression { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }

    public string? MetadataError { get; set; }

    public string? ManifestText { get; set; }
}
