namespace BuildSwarm.Core.Portage;

/// <summary>What a member of the gpkg container is, in the order GLEP 78 and Portage's writer put them.</summary>
public enum GpkgMemberKind
{
    Version = 0,
    Metadata = 1,
    MetadataSignature = 2,
    Image = 3,
    ImageSignature = 4,
    Manifest = 5,
}

/// <summary>Names and order of the members inside a gpkg's top directory.</summary>
public static class GpkgMember
{
    public const string VersionName = "gpkg-1";
    public const string ManifestName = "Manifest";
    public const string SignatureSuffix = ".sig";

    public static string MetadataName(GpkgCompression compression) => "metadata.tar" + compression.Suffix();

    public static string ImageName(GpkgCompression compression) => "image.tar" + compression.Suffix();

    /// <summary>Classifies a member's file name, or returns false for a name that has no place in a gpkg.</summary>
    public static bool TryClassify(string fileName, out GpkgMemberKind kind, out GpkgCompression compression)
    {
        compression = GpkgCompression.None;
        kind = default;
        switch (fileName)
        {
            case VersionName:
                kind = GpkgMemberKind.Version;
                return true;
            case ManifestName:
                kind = GpkgMemberKind.Manifest;
                return true;
        }

        var signature = fileName.EndsWith(SignatureSuffix, StringComparison.Ordinal);
        var archive = signature ? fileName[..^SignatureSuffix.Length] : fileName;
        if (!GpkgCompressions.TrySplitArchiveName(archive, out var stem, out compression))
        {
            return false;
        }

        (kind, var known) = (stem, signature) switch
        {
            ("metadata", false) => (GpkgMemberKind.Metadata, true),
            ("metadata", true) => (GpkgMemberKind.MetadataSignature, true),
            ("image", false) => (GpkgMemberKind.Image, true),
            ("image", true) => (GpkgMemberKind.ImageSignature, true),
            _ => (default(GpkgMemberKind), false),
        };
        return known;
    }
}
