using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace BuildSwarm.Core.Portage;

/// <summary>
/// One gzip member assembled from pieces compressed on their own, the way pigz does it: each piece is raw deflate
/// ending in a sync flush (no final block, byte-aligned, no reference into another piece), so pieces laid end to end
/// after a gzip header, followed by an empty final block and the trailer, are one ordinary gzip stream. CRCs of
/// pieces combine without their data. A large index then recompresses only the piece that changed.
/// </summary>
public static class GzipPieces
{
    private const uint Polynomial = 0xEDB88320;

    /// <summary>The empty final block (fixed Huffman, BFINAL set) that ends the deflate stream.</summary>
    private static ReadOnlySpan<byte> FinalBlock => [0x03, 0x00];

    /// <summary>A compressed piece: raw deflate of <paramref name="data"/> ending in a sync flush, with its CRC-32 and length.</summary>
    public static GzipPiece Compress(ReadOnlySpan<byte> data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream(data.Length / 4 + 64);
        var deflate = new DeflateStream(output, level, leaveOpen: true);
        deflate.Write(data);
        // Flush is a sync flush: everything so far, then an empty stored block, no BFINAL. What disposing would add
        // (the final block) is cut off by taking the bytes now.
        deflate.Flush();
        var compressed = output.ToArray();
        deflate.Dispose();
        return new GzipPiece(compressed, Crc32.HashToUInt32(data), data.Length);
    }

    /// <summary>The 10-byte gzip header: deflate, no name, <paramref name="mtime"/> (unix seconds), OS = Unix.</summary>
    public static byte[] Header(long mtime)
    {
        var header = new byte[10];
        header[0] = 0x1f;
        header[1] = 0x8b;
        header[2] = 8;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)Math.Clamp(mtime, 0, uint.MaxValue));
        header[9] = 3;
        return header;
    }

    /// <summary>The end of the member for pieces that hold <paramref name="length"/> bytes with CRC <paramref name="crc"/>.</summary>
    public static byte[] Trailer(uint crc, long length)
    {
        var trailer = new byte[FinalBlock.Length + 8];
        FinalBlock.CopyTo(trailer);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(FinalBlock.Length), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(FinalBlock.Length + 4), unchecked((uint)length));
        return trailer;
    }

    /// <summary>
    /// The CRC-32 of A followed by B from the CRC of A, the CRC of B and B's length, as zlib's crc32_combine: appending
    /// n zero bytes to A multiplies its CRC by x^(8n) modulo the CRC polynomial, and x^(8n) is a product of the powers
    /// x^(2^k) kept in <see cref="PowersOfTwo"/>, one per set bit of 8n: a few dozen 32-bit multiplications.
    /// </summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB) =>
        lengthB <= 0 ? crcA : Multiply(PowerOfX(lengthB, 3), crcA) ^ crcB;

    /// <summary>x^(2^k) modulo the polynomial for k = 0..31, in the reflected bit order CRC-32 uses (x^0 is bit 31).</summary>
    private static readonly uint[] PowersOfTwo = CreatePowersOfTwo();

    private static uint[] CreatePowersOfTwo()
    {
        var table = new uint[32];
        var power = 1u << 30; // x^1
        table[0] = power;
        for (var k = 1; k < 32; k++)
        {
            table[k] = power = Multiply(power, power);
        }

        return table;
    }

    /// <summary>x^(n·2^k) modulo the polynomial.</summary>
    private static uint PowerOfX(long n, int k)
    {
        var product = 1u << 31; // x^0
        for (; n != 0; n >>= 1, k++)
        {
            if ((n & 1) != 0)
            {
                product = Multiply(PowersOfTwo[k & 31], product);
            }
        }

        return product;
    }

    /// <summary>a·b modulo the polynomial, both reflected.</summary>
    private static uint Multiply(uint a, uint b)
    {
        uint product = 0;
        for (var bit = 1u << 31; bit != 0; bit >>= 1)
        {
            if ((a & bit) != 0)
            {
                product ^= b;
                if ((a & (bit - 1)) == 0)
                {
                    break;
                }
            }

            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return product;
    }
}

/// <summary>A piece of a gzip member: sync-flushed raw deflate, and the CRC-32 and length of what it holds.</summary>
public sealed record GzipPiece(byte[] Deflated, uint Crc, long Length);
