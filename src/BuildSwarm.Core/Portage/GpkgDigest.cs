using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace BuildSwarm.Core.Portage;

/// <summary>Size and the two hashes Portage records for a gpkg member (MANIFEST2_HASH_DEFAULTS: BLAKE2B SHA512), lower-case hex.</summary>
public sealed record GpkgDigest(long Size, string Blake2b, string Sha512);

/// <summary>Computes a <see cref="GpkgDigest"/> incrementally, so members are hashed while they stream past.</summary>
internal sealed class GpkgDigester : IDisposable
{
    private readonly Blake2bDigest blake2b = new(512);
    private readonly IncrementalHash sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
    private long size;

    public void Append(ReadOnlySpan<byte> data)
    {
        blake2b.BlockUpdate(data);
        sha512.AppendData(data);
        size += data.Length;
    }

    public GpkgDigest Finish()
    {
        Span<byte> blake = stackalloc byte[64];
        blake2b.DoFinal(blake);
        return new GpkgDigest(size, Convert.ToHexStringLower(blake), Convert.ToHexStringLower(sha512.GetHashAndReset()));
    }

    public static GpkgDigest Of(ReadOnlySpan<byte> data)
    {
        using var digester = new GpkgDigester();
        digester.Append(data);
        return digester.Finish();
    }

    public void Dispose() => sha512.Dispose();
}
