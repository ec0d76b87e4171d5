using System.Buffers.Binary;
using System.Formats.Tar;
using System.Text;

namespace BuildSwarm.Tests.Fuzz;

/// <summary>Malformed binary packages: a real gpkg truncated, flipped, with base-256 sizes; tars with links, '..', absolute and device members; broken xpak tails.</summary>
public static class PackageFuzz
{
    public static IEnumerable<byte[]> Bodies(Random random, byte[] gpkg, int randomCount)
    {
        var headers = HeaderOffsets(gpkg).ToList();
        for (var i = 0; i < randomCount; i++)
        {
            yield return gpkg[..random.Next(0, gpkg.Length)];
            var flipped = (byte[])gpkg.Clone();
            var header = headers[random.Next(headers.Count)];
            flipped[header + random.Next(512)] = (byte)random.Next(256);
            if (random.Next(2) == 0)
            {
                FixChecksum(flipped, header);
            }

            yield return flipped;
        }

        foreach (var header in headers)
        {
            foreach (var size in new[] { ulong.MaxValue, (ulong)long.MaxValue, 1UL << 40, 0UL, 7UL })
            {
                var copy = (byte[])gpkg.Clone();
                copy[header + 124] = 0x80;
                Array.Clear(copy, header + 125, 3);
                BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(header + 128, 8), size);
                FixChecksum(copy, header);
                yield return copy;
            }

            foreach (var type in "12345679gxKLS\0"u8.ToArray())
            {
                var copy = (byte[])gpkg.Clone();
                copy[header + 156] = type;
                FixChecksum(copy, header);
                yield return copy;
            }
        }

        foreach (var tar in HostileTars(gpkg))
        {
            yield return tar;
        }

        foreach (var xpak in Xpaks(random))
        {
            yield return xpak;
        }
    }

    private static IEnumerable<byte[]> HostileTars(byte[] gpkg)
    {
        var prefix = Encoding.ASCII.GetString(gpkg, 0, 100).TrimEnd('\0').Split('/')[0];
        var names = new[] { "../../../etc/passwd", "/etc/passwd", $"{prefix}/../../x", $"{prefix}/gpkg-1", $"{prefix}/metadata.tar", $"{prefix}/image.tar.gz", new string('a', 5000) };
        foreach (var name in names)
        {
            foreach (var type in new[] { TarEntryType.SymbolicLink, TarEntryType.HardLink, TarEntryType.RegularFile, TarEntryType.CharacterDevice, TarEntryType.Fifo, TarEntryType.Directory })
            {
                yield return Tar(writer =>
                {
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{prefix}/gpkg-1") { DataStream = new MemoryStream("gpkg-1\n"u8.ToArray()) });
                    var entry = new PaxTarEntry(type, name);
                    if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                    {
                        entry.LinkName = "/etc/shadow";
                    }
                    else if (type == TarEntryType.RegularFile)
                    {
                        entry.DataStream = new MemoryStream(new byte[1000]);
                    }

                    writer.WriteEntry(entry);
                });
            }
        }

        yield return Tar(_ => { });
        yield return [];
        yield return new byte[10240];
    }

    private static byte[] Tar(Action<TarWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    /// <summary>Legacy packages: a compressed-looking head, then an xpak block whose lengths and offsets lie.</summary>
    private static IEnumerable<byte[]> Xpaks(Random random)
    {
        foreach (var (indexLength, dataLength, offset) in new[] { (0, 0, 8), (16, 4, 40), (int.MaxValue, 1, 20), (-1, -1, -1), (1 << 30, 1 << 30, 1 << 30), (8, 8, 100_000) })
        {
            var head = new byte[random.Next(10, 200)];
            random.NextBytes(head);
            using var stream = new MemoryStream();
            stream.Write("BZh91AY&SY"u8);
            stream.Write(head);
            var start = stream.Position;
            stream.Write("XPAKPACK"u8);
            Span<byte> number = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(number, indexLength);
            stream.Write(number);
            BinaryPrimitives.WriteInt32BigEndian(number, dataLength);
            stream.Write(number);
            var junk = new byte[random.Next(0, 64)];
            random.NextBytes(junk);
            stream.Write(junk);
            stream.Write("XPAKSTOP"u8);
            BinaryPrimitives.WriteInt32BigEndian(number, offset == 8 ? (int)(stream.Position - start + 4) : offset);
            stream.Write(number);
            stream.Write("STOP"u8);
            yield return stream.ToArray();
        }
    }

    private static IEnumerable<int> HeaderOffsets(byte[] tar)
    {
        var offset = 0;
        while (offset + 512 <= tar.Length && tar[offset] != 0)
        {
            yield return offset;
            var size = Convert.ToInt64(Encoding.ASCII.GetString(tar, offset + 124, 11).Trim('\0', ' '), 8);
            offset += 512 + (int)((size + 511) / 512 * 512);
        }
    }

    private static void FixChecksum(byte[] tar, int header)
    {
        Array.Fill(tar, (byte)' ', header + 148, 8);
        var sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += tar[header + i];
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, header + 148);
    }
}
