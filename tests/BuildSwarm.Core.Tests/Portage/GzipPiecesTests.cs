using System.Diagnostics;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class GzipPiecesTests
{
    private static byte[] Text(int seed, int blocks)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < blocks; i++)
        {
            text.Append($"CPV: cat-{random.Next(100):D2}/pkg{i:D5}-1.{random.Next(50)}\nMD5: {random.NextInt64():x16}\nSIZE: {random.Next()}\n\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Assemble(long mtime, params byte[][] parts)
    {
        using var gz = new MemoryStream();
        gz.Write(GzipPieces.Header(mtime));
        var crc = 0u;
        long length = 0;
        foreach (var part in parts)
        {
            var piece = GzipPieces.Compress(part);
            gz.Write(piece.Deflated);
            crc = GzipPieces.Combine(crc, piece.Crc, piece.Length);
            length += piece.Length;
        }

        gz.Write(GzipPieces.Trailer(crc, length));
        return gz.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65_536)]
    [InlineData(1_000_003)]
    public void Combined_crc_equals_the_crc_of_the_concatenation(int secondLength)
    {
        var a = Text(1, 50);
        var b = new byte[secondLength];
        new Random(2).NextBytes(b);

        var combined = GzipPieces.Combine(Crc32.HashToUInt32(a), Crc32.HashToUInt32(b), b.Length);

        Assert.Equal(Crc32.HashToUInt32([.. a, .. b]), combined);
    }

    [Fact]
    public void Pieces_laid_end_to_end_are_one_gzip_member_of_the_whole_text()
    {
        var parts = new[] { Text(1, 3), Text(2, 400), [], Text(3, 1), Text(4, 2_000) };

        var gz = Assemble(1_700_000_123, parts);

        using var gunzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gunzip.CopyTo(plain);
        Assert.Equal(parts.SelectMany(p => p).ToArray(), plain.ToArray());
        Assert.Equal(1_700_000_123u, BitConverter.ToUInt32(gz, 4));
    }

    [Fact]
    public void Python_gzip_and_the_gzip_tool_read_it_as_one_member()
    {
        // Portage reads Packages.gz with Python's gzip module; gzip(1) is a second, independent decoder.
        var parts = new[] { Text(5, 10), Text(6, 300), Text(7, 300) };
        var whole = parts.SelectMany(p => p).ToArray();
        var file = Path.Combine(Path.GetTempPath(), $"pieces-{Guid.NewGuid():n}.gz");
        File.WriteAllBytes(file, Assemble(1_700_000_000, parts));
        try
        {
            var python = Run("python3", "-c",
                "import gzip,hashlib,sys; d=gzip.open(sys.argv[1]).read(); print(len(d), hashlib.sha256(d).hexdigest())", file);
            Assert.Equal($"{whole.Length} {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(whole))}", python.Trim());
            Run("gzip", "-t", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
        return output;
    }
}
