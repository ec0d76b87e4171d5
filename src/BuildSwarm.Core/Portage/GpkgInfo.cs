namespace BuildSwarm.Core.Portage;

/// <summary>What a validated gpkg (GLEP 78) says about itself.</summary>
public sealed record GpkgInfo(string TopDirectory, IReadOnlyList<string> Members, IReadOnlyDictionary<string, string> Metadata)
{
    public string? Category => Metadata.GetValueOrDefault("CATEGORY");

    public string? Pf => Metadata.GetValueOrDefault("PF");

    public string? BuildId => Metadata.GetValueOrDefault("BUILD_ID") is { Length: > 0 } id ? id : null;

    /// <summary>Compression of <c>metadata.tar</c>.</summary>
    public GpkgCompression MetadataCompression { get; init; }

    /// <summary>Compression of <c>image.tar</c>.</summary>
    public GpkgCompression ImageCompression { get; init; }

    public GpkgManifest Manifest { get; init; } = new([], false);

    /// <summary>True when the Manifest is clear-signed or a member has a detached <c>.sig</c> (signatures are not verified here).</summary>
    public bool IsSigned => Manifest.IsClearSigned || Members.Any(m => m.EndsWith(GpkgMember.SignatureSuffix, StringComparison.Ordinal));
}
