using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

/// <summary>A gpkg taken apart into its container members, to tamper with and put back together.</summary>
internal sealed record GpkgMemberBytes(string Name, byte[] Data)
{
    public string FileName => Name[(Name.LastIndexOf('/') + 1)..];
}

internal static class GpkgTestArchive
{
    public static async Task<List<GpkgMemberBytes>> ReadMembersAsync(byte[] gpkg, CancellationToken ct)
    {
        var members = new List<GpkgMemberBytes>();
        await using var reader = new TarReader(new MemoryStream(gpkg));
        while (await reader.GetNextEntryAsync(copyData: true, ct) is { } entry)
        {
            using var data = new MemoryStream();
            if (entry.DataStream is not null)
            {
                await entry.DataStream.CopyToAsync(data, ct);
            }

            members.Add(new GpkgMemberBytes(entry.Name, data.ToArray()));
        }

        return members;
    }

    public static async Task<byte[]> ReadMemberAsync(byte[] gpkg, string fileName, CancellationToken ct) =>
        (await ReadMembersAsync(gpkg, ct)).Single(m => m.FileName == fileName).Data;

    public static async Task<byte[]> WriteMembersAsync(IEnumerable<GpkgMemberBytes> members, CancellationToken ct)
    {
        using var output = new MemoryStream();
        await using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var member in members)
            {
                var type = member.Name.EndsWith('/') ? TarEntryType.Directory : TarEntryType.RegularFile;
                var entry = new UstarTarEntry(type, member.Name);
                if (type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(member.Data);
                }

                await writer.WriteEntryAsync(entry, ct);
            }
        }

        return output.ToArray();
    }

    /// <summary>Replaces the Manifest with one that matches the other members, so only the intended defect remains.</summary>
    public static List<GpkgMemberBytes> WithFreshManifest(IEnumerable<GpkgMemberBytes> members)
    {
        var list = members.Where(m => m.FileName != "Manifest").ToList();
        var entries = list.Select(m => GpkgManifestEntry.From(m.FileName, Digest(m.Data))).ToList();
        var top = list[0].Name[..list[0].Name.IndexOf('/')];
        list.Add(new GpkgMemberBytes($"{top}/Manifest", Encoding.UTF8.GetBytes(new GpkgManifest(entries, false).Format())));
        return list;
    }

    public static GpkgDigest Digest(byte[] data)
    {
        using var digester = new GpkgDigester();
        digester.Append(data);
        return digester.Finish();
    }

    public static async Task<List<string>> ListTarAsync(Stream tar, CancellationToken ct)
    {
        var names = new List<string>();
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(copyData: true, ct) is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    /// <summary>Compresses the inner archives of an uncompressed gpkg with an external tool (for codecs we only read).</summary>
    public static async Task<byte[]> RecompressAsync(byte[] uncompressedGpkg, string tool, GpkgCompression compression, CancellationToken ct)
    {
        var members = new List<GpkgMemberBytes>();
        foreach (var member in await ReadMembersAsync(uncompressedGpkg, ct))
        {
            members.Add(member.FileName.EndsWith(".tar", StringComparison.Ordinal)
                ? new GpkgMemberBytes(member.Name + compression.Suffix(), await RunFilterAsync(tool, member.Data, ct))
                : member);
        }

        return await WriteMembersAsync(WithFreshManifest(members), ct);
    }

    private static async Task<byte[]> RunFilterAsync(string tool, byte[] input, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tool, ["-c"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, ct);
        await process.StandardInput.BaseStream.WriteAsync(input, ct);
        process.StandardInput.Close();
        await copy;
        await process.WaitForExitAsync(ct);
        Assert.Equal(0, process.ExitCode);
        return output.ToArray();
    }
}

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("buildswarm-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
