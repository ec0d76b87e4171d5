using System.Text;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

/// <summary>A small valid package, written by <see cref="GpkgWriter"/>, for tests to read or take apart.</summary>
internal static class SampleGpkg
{
    public static readonly DateTimeOffset Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static Dictionary<string, string> Metadata(string pf = "hello-1.0-r1", string? buildId = null)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CATEGORY"] = "app-misc",
            ["PF"] = pf,
            ["SLOT"] = "0",
            ["EAPI"] = "8",
            ["KEYWORDS"] = "amd64 ~arm64",
            ["USE"] = "amd64 elibc_glibc",
            ["DESCRIPTION"] = "A friendly greeting",
            ["repository"] = "gentoo",
            ["BUILD_TIME"] = "1700000000",
        };
        if (buildId is not null)
        {
            metadata["BUILD_ID"] = buildId;
        }

        return metadata;
    }

    public static GpkgImageFile[] Image() =>
    [
        new("usr/bin/hello", Encoding.UTF8.GetBytes("#!/bin/sh\necho hello\n"), (UnixFileMode)0b111_101_101),
        new("usr/share/doc/hello-1.0-r1/README", Encoding.UTF8.GetBytes(new string('x', 5000))),
    ];

    public static async Task<byte[]> BytesAsync(GpkgCompression compression = GpkgCompression.Zstd, Dictionary<string, string>? metadata = null, string? top = null)
    {
        using var output = new MemoryStream();
        await GpkgWriter.WriteAsync(
            output,
            metadata ?? Metadata(),
            Image(),
            new GpkgWriteOptions { Compression = compression, Timestamp = Timestamp, TopDirectory = top },
            TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    public static Task<GpkgInfo> ReadAsync(byte[] gpkg) =>
        GpkgReader.ReadAsync(new MemoryStream(gpkg, writable: false), TestContext.Current.CancellationToken);
}
