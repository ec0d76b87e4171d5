using System.Text;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class BinaryPackageFormatTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Gpkg_is_detected_by_its_first_tar_header()
    {
        var gpkg = await SampleGpkg.BytesAsync();

        Assert.Equal(BinaryPackageKind.Gpkg, BinaryPackageFormat.Detect(new MemoryStream(gpkg)));
        Assert.Equal(BinaryPackageKind.Gpkg, await BinaryPackageFormat.DetectAsync(new MemoryStream(gpkg), Ct));
    }

    [Fact]
    public void Marker_must_be_within_the_first_100_bytes()
    {
        var head = new byte[120];
        "/gpkg-1\0"u8.CopyTo(head.AsSpan(95));

        Assert.Equal(BinaryPackageKind.Unknown, BinaryPackageFormat.Detect(head, []));

        "/gpkg-1\0"u8.CopyTo(head.AsSpan(92));
        Assert.Equal(BinaryPackageKind.Gpkg, BinaryPackageFormat.Detect(head, []));
    }

    [Fact]
    public void Xpak_is_detected_by_its_trailer()
    {
        var tail = new byte[16];
        "XPAKSTOP"u8.CopyTo(tail);
        "STOP"u8.CopyTo(tail.AsSpan(12));

        Assert.Equal(BinaryPackageKind.Xpak, BinaryPackageFormat.Detect(new byte[100], tail));

        tail[15] = (byte)'X';
        Assert.Equal(BinaryPackageKind.Unknown, BinaryPackageFormat.Detect(new byte[100], tail));
    }

    [Fact]
    public void Detection_leaves_the_stream_position_alone()
    {
        var stream = new MemoryStream(new byte[500]) { Position = 123 };

        Assert.Equal(BinaryPackageKind.Unknown, BinaryPackageFormat.Detect(stream));
        Assert.Equal(123, stream.Position);
    }

    [Theory]
    [InlineData("app-misc/hello/hello-1.0-1.gpkg.tar", BinaryPackageKind.Gpkg)]
    [InlineData("app-misc/hello-1.0.tbz2", BinaryPackageKind.Xpak)]
    [InlineData("app-misc/hello/hello-1.0-1.xpak", BinaryPackageKind.Xpak)]
    [InlineData("app-misc/hello-1.0.tar.gz", BinaryPackageKind.Unknown)]
    public void Path_suffix_names_the_format(string path, BinaryPackageKind kind) =>
        Assert.Equal(kind, BinaryPackageFormat.FromPath(path));

    [Fact]
    public async Task Reader_returns_metadata_and_format_for_gpkg_from_a_forward_only_stream()
    {
        var package = await BinaryPackageReader.ReadAsync(new ForwardOnlyStream(new MemoryStream(await SampleGpkg.BytesAsync())), Ct);

        Assert.Equal(BinaryPackageKind.Gpkg, package.Kind);
        Assert.Equal("hello-1.0-r1", package.Gpkg!.TopDirectory);
        Assert.Equal(Cpv.Parse("app-misc/hello-1.0-r1"), package.Cpv);
    }

    [Fact]
    public async Task Neither_format_is_rejected()
    {
        var error = await Assert.ThrowsAsync<InvalidPackageException>(() =>
            BinaryPackageReader.ReadAsync(new MemoryStream(Encoding.ASCII.GetBytes(new string('a', 300))), Ct));

        Assert.StartsWith("not a binary package", error.Message, StringComparison.Ordinal);
    }
}
