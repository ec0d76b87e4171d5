using System.Text;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class XpakTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Metadata() => new(StringComparer.Ordinal)
    {
        ["CATEGORY"] = "app-misc",
        ["PF"] = "hello-1.0",
        ["SLOT"] = "0",
        ["EAPI"] = "7",
        ["KEYWORDS"] = "amd64",
    };

    private static async Task<byte[]> PackageAsync(Dictionary<string, string>? metadata = null)
    {
        using var output = new MemoryStream();
        var image = new MemoryStream(Encoding.ASCII.GetBytes("BZh91AY&SY pretend this is a bzip2 tarball"));
        await XpakWriter.WriteAsync(output, image, metadata ?? Metadata(), Ct);
        return output.ToArray();
    }

    [Fact]
    public void Segment_layout_matches_xpak_mem()
    {
        var segment = XpakWriter.Segment([KeyValuePair.Create("AB", "xyz"u8.ToArray())]);

        byte[] expected =
        [
            .. "XPAKPACK"u8,
            0, 0, 0, 14, // index: 4 + 2 + 4 + 4
            0, 0, 0, 3,
            0, 0, 0, 2, .. "AB"u8, 0, 0, 0, 0, 0, 0, 0, 3,
            .. "xyz"u8,
            .. "XPAKSTOP"u8,
        ];
        Assert.Equal(expected, segment);
    }

    [Fact]
    public async Task Package_ends_with_the_trailer_portage_scans_for()
    {
        var package = await PackageAsync();
        var segmentLength = XpakWriter.Segment(Metadata()).Length;

        Assert.Equal("XPAKSTOP"u8.ToArray(), package[^16..^8]);
        Assert.Equal(segmentLength, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(package.AsSpan(package.Length - 8, 4)));
        Assert.Equal("STOP"u8.ToArray(), package[^4..]);
        Assert.Equal("XPAKPACK"u8.ToArray(), package[^(segmentLength + 8)..^(segmentLength)]);
    }

    [Fact]
    public async Task Metadata_round_trips_and_binary_values_are_left_out_of_the_text_view()
    {
        var raw = new Dictionary<string, byte[]>
        {
            ["CATEGORY"] = "app-misc\n"u8.ToArray(),
            ["environment.bz2"] = [0x42, 0x5a, 0x68, 0xff, 0xfe],
        };
        using var package = new MemoryStream();
        package.Write("image"u8);
        var segment = XpakWriter.Segment(raw);
        package.Write(segment);
        package.Write([0, 0, 0, (byte)segment.Length, .. "STOP"u8]);

        var text = await XpakReader.ReadAsync(package, Ct);
        var bytes = await XpakReader.ReadRawAsync(package, Ct);

        Assert.Equal("app-misc", text["CATEGORY"]);
        Assert.False(text.ContainsKey("environment.bz2"));
        Assert.Equal(raw["environment.bz2"], bytes["environment.bz2"]);
    }

    [Fact]
    public async Task Reader_returns_metadata_and_format_for_xpak()
    {
        var package = await BinaryPackageReader.ReadAsync(new MemoryStream(await PackageAsync()), Ct);

        Assert.Equal(BinaryPackageKind.Xpak, package.Kind);
        Assert.Null(package.Gpkg);
        Assert.Equal("7", package.Metadata["EAPI"]);
        Assert.Equal(Cpv.Parse("app-misc/hello-1.0"), package.Cpv);
    }

    [Fact]
    public async Task Xpak_on_a_forward_only_stream_is_read()
    {
        var package = await BinaryPackageReader.ReadAsync(new ForwardOnlyStream(new MemoryStream(await PackageAsync())), Ct);

        Assert.Equal(BinaryPackageKind.Xpak, package.Kind);
        Assert.Equal("hello-1.0", package.Metadata["PF"]);
    }

    [Fact]
    public async Task Xpak_without_slot_is_rejected()
    {
        var metadata = Metadata();
        metadata.Remove("SLOT");

        var error = await Assert.ThrowsAsync<InvalidPackageException>(async () =>
            await BinaryPackageReader.ReadAsync(new MemoryStream(await PackageAsync(metadata)), Ct));

        Assert.Equal("xpak metadata lacks SLOT", error.Message);
    }

    [Fact]
    public async Task Trailer_offset_past_the_start_of_the_file_is_rejected()
    {
        var package = await PackageAsync();
        package[^8] = 0x7f;

        var error = await Assert.ThrowsAsync<InvalidPackageException>(() => XpakReader.ReadAsync(new MemoryStream(package), Ct));

        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_entry_pointing_outside_the_data_is_rejected()
    {
        var segment = XpakWriter.Segment([KeyValuePair.Create("AB", "xyz"u8.ToArray())]);
        segment[16 + 4 + 2 + 7] = 9; // data length 9 > 3

        var error = Assert.Throws<InvalidPackageException>(() => XpakReader.ParseSegment(segment));

        Assert.Equal("xpak entry 'AB' points outside the data block", error.Message);
    }
}
