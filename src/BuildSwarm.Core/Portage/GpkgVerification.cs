namespace BuildSwarm.Core.Portage;

/// <summary>The checks that need the whole container: Manifest coverage, sizes, hashes, and the top directory's name.</summary>
internal static class GpkgVerification
{
    private static readonly string[] RequiredHashes = ["BLAKE2B", "SHA512"];
    private static readonly string[] RequiredMetadata = ["CATEGORY", "PF", "SLOT"];

    public static GpkgInfo Verify(GpkgScan scan)
    {
        if (scan.TopDirectory is null)
        {
            throw new InvalidPackageException("not a gpkg: the archive is empty");
        }

        if (scan.ManifestText is null)
        {
            throw new InvalidPackageException("gpkg has no Manifest (it must be the last member)");
        }

        RequireMember(scan, GpkgMemberKind.Metadata, "metadata.tar.<ext>");
        RequireMember(scan, GpkgMemberKind.Image, "image.tar.<ext>");

        var manifest = GpkgManifest.Parse(scan.ManifestText);
        CheckAgainstManifest(scan, manifest);

        if (scan.MetadataError is not null)
        {
            throw new InvalidPackageException(scan.MetadataError);
        }

        var metadata = scan.Metadata ?? [];
        CheckMetadata(scan.TopDirectory, metadata);

        return new GpkgInfo(scan.TopDirectory, scan.Members, metadata)
        {
            MetadataCompression = scan.MetadataCompression,
            ImageCompression = scan.ImageCompression,
            Manifest = manifest,
        };
    }

    private static void RequireMember(GpkgScan scan, GpkgMemberKind kind, string expected)
    {
        if (!scan.Members.Any(m => GpkgMember.TryClassify(m, out var k, out _) && k == kind))
        {
            throw new InvalidPackageException($"gpkg has no {expected} member");
        }
    }

    private static void CheckAgainstManifest(GpkgScan scan, GpkgManifest manifest)
    {
        foreach (var (name, actual) in scan.Digests)
        {
            var expected = manifest.Find(name)
                ?? throw new InvalidPackageException($"gpkg member '{name}' is not listed in the Manifest");
            if (expected.Size != actual.Size)
            {
                throw new InvalidPackageException($"gpkg member '{name}' is {actual.Size} bytes but the Manifest says {expected.Size}");
            }

            foreach (var hash in RequiredHashes)
            {
                var want = expected.Hashes.GetValueOrDefault(hash)
                    ?? throw new InvalidPackageException($"gpkg Manifest has no {hash} for '{name}'");
                var got = hash == "BLAKE2B" ? actual.Blake2b : actual.Sha512;
                if (!string.Equals(want, got, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidPackageException($"gpkg member '{name}' has {hash} {got} but the Manifest says {want}");
                }
            }
        }

        var missing = manifest.Entries.Where(e => !scan.Digests.ContainsKey(e.Name)).Select(e => e.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidPackageException($"gpkg Manifest lists {string.Join(", ", missing.Select(m => $"'{m}'"))} but the package has no such member");
        }
    }

    private static void CheckMetadata(string topDirectory, Dictionary<string, string> metadata)
    {
        var absent = RequiredMetadata.Where(k => string.IsNullOrEmpty(metadata.GetValueOrDefault(k))).ToList();
        if (absent.Count > 0)
        {
            throw new InvalidPackageException($"gpkg metadata lacks {string.Join(", ", absent)}");
        }

        var pf = metadata["PF"];
        var buildId = metadata.GetValueOrDefault("BUILD_ID");
        if (topDirectory != pf && (string.IsNullOrEmpty(buildId) || topDirectory != $"{pf}-{buildId}"))
        {
            var expected = string.IsNullOrEmpty(buildId) ? $"'{pf}'" : $"'{pf}' or '{pf}-{buildId}'";
            throw new InvalidPackageException($"gpkg top directory '{topDirectory}' does not match the package: expected {expected}");
        }
    }
}
