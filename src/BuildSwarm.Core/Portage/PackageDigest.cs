using System.Security.Cryptography;

namespace BuildSwarm.Core.Portage;

/// <summary>The hashes of one package file as the index and the upload check need them, in hex.</summary>
public readonly record struct PackageDigests(long Size, string Md5, string Sha1, string Sha256);

/// <summary>
/// MD5, SHA1 (the index's <c>_pkgindex_hashes</c>) and SHA-256 (the upload check) of one byte
/// stream in one pass: the only multi-hash loop, used when receiving an upload, when hashing a
/// re-signed file and when indexing a file found on disk.
/// </summary>
public sealed class PackageDigest : IDisposable
{
    private const int BufferSize = 81920;

    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Size { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _md5.AppendData(data);
        _sha1.AppendData(data);
        _sha256.AppendData(data);
        Size += data.Length;
    }

    public PackageDigests Finish() => new(
        Size,
        Convert.ToHexStringLower(_md5.GetHashAndReset()),
        Convert.ToHexStringLower(_sha1.GetHashAndReset()),
        Convert.ToHexStringLower(_sha256.GetHashAndReset()));

    /// <summary>Reads <paramref name="source"/> to its end and returns its digests.</summary>
    public static async Task<PackageDigests> OfAsync(Stream source, CancellationToken cancellationToken)
    {
        using var digest = new PackageDigest();
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            digest.Append(buffer.AsSpan(0, read));
        }

        return digest.Finish();
    }

    public void Dispose()
    {
        _md5.Dispose();
        _sha1.Dispose();
        _sha256.Dispose();
    }
}
