namespace BuildSwarm.Core.Portage;

/// <summary>
/// What the index records about a package file (<c>binarytree._pkgindex_entry</c>): its path relative to the
/// binhost root, size, MD5 and SHA1 (<c>_pkgindex_hashes</c>, checked by the client after download), and mtime.
/// </summary>
public sealed record PackageFileFacts(string Path, long Size, string Md5, string Sha1, long MTime)
{
    /// <summary>Hashes the file in one streaming pass.</summary>
    public static async Task<PackageFileFacts> ComputeAsync(string root, string relativePath, CancellationToken cancellationToken)
    {
        var fullPath = System.IO.Path.Combine(root, relativePath);
        PackageDigests digests;
        await using (var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            digests = await PackageDigest.OfAsync(file, cancellationToken);
        }

        var mtime = new DateTimeOffset(File.GetLastWriteTimeUtc(fullPath)).ToUnixTimeSeconds();
        return new PackageFileFacts(
            relativePath.Replace('\\', '/'), digests.Size, digests.Md5, digests.Sha1, mtime);
    }
}
