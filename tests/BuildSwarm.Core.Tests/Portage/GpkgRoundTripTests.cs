using System.Formats.Tar;
using BuildSwarm.Core.Portage;
using BuildSwarm.Hosting.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class GpkgRoundTripTests
{
    public static TheoryData<GpkgCompression> WritableCompressions() =>
        new(Enum.GetValues<GpkgCompression>().Where(c => c.CanWrite()));

    [Theory]
    [MemberData(nameof(WritableCompressions))]
    public async Task Every_writable_compression_round_trips(GpkgCompression compression)
    {
        var bytes = await SampleGpkg.BytesAsync(compression);

        var info = await SampleGpkg.ReadAsync(bytes);

        Assert.Equal("hello-1.0-r1", info.TopDirectory);
        Assert.Equal(
            ["gpkg-1", GpkgMember.MetadataName(compression), GpkgMember.ImageName(compression), "Manifest"],
            info.Members);
        Assert.Equal(compression, info.MetadataCompression);
        Assert.Equal(compression, info.ImageCompression);
        Assert.Equal("app-misc", info.Category);
        Assert.Equal("A friendly greeting", info.Metadata["DESCRIPTION"]);
        Assert.Equal("gentoo", info.Metadata["repository"]);
        Assert.False(info.IsSigned);
    }

    [Theory]
    [MemberData(nameof(WritableCompressions))]
    public async Task Image_decompresses_to_the_files_that_went_in(GpkgCompression compression)
    {
        var bytes = await SampleGpkg.BytesAsync(compression);
        var ct = TestContext.Current.CancellationToken;

        var image = await GpkgTestArchive.ReadMemberAsync(bytes, GpkgMember.ImageName(compression), ct);
        await using var tar = compression.OpenRead(new MemoryStream(image));
        var names = new List<string>();
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(copyData: true, ct) is { } entry)
        {
            names.Add(entry.Name);
        }

        Assert.Contains("image/usr/bin/hello", names);
        Assert.Contains("image/usr/share/doc/hello-1.0-r1/README", names);
    }

    [Fact]
    public async Task Manifest_records_gpkg_1_and_both_archives_with_blake2b_and_sha512()
    {
        var info = await SampleGpkg.ReadAsync(await SampleGpkg.BytesAsync());

        Assert.Equal(["gpkg-1", "metadata.tar.zst", "image.tar.zst"], info.Manifest.Entries.Select(e => e.Name));
        var version = info.Manifest.Entries[0];
        Assert.Equal(0, version.Size);
        // BLAKE2b-512 and SHA-512 of the empty string.
        Assert.Equal("786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce", version.Blake2b);
        Assert.Equal("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", version.Sha512);
    }

    [Fact]
    public async Task Xz_written_by_the_xz_tool_is_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = await GpkgTestArchive.RecompressAsync(await SampleGpkg.BytesAsync(GpkgCompression.None), "xz", GpkgCompression.Xz, ct);

        var info = await SampleGpkg.ReadAsync(bytes);

        Assert.Equal(GpkgCompression.Xz, info.ImageCompression);
        Assert.Equal("hello-1.0-r1", info.Pf);
    }

    [Fact]
    public async Task Image_directory_is_packed_under_image()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "usr/lib"));
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "usr/lib/libhello.so"), "ELF", ct);
        using var output = new MemoryStream();

        await PackageFiles.WriteGpkgAsync(output, SampleGpkg.Metadata(), dir.Path, new GpkgWriteOptions { Compression = GpkgCompression.Gzip }, ct);

        var info = await SampleGpkg.ReadAsync(output.ToArray());
        Assert.Equal(GpkgCompression.Gzip, info.ImageCompression);
        var image = await GpkgTestArchive.ReadMemberAsync(output.ToArray(), "image.tar.gz", ct);
        var names = await GpkgTestArchive.ListTarAsync(GpkgCompression.Gzip.OpenRead(new MemoryStream(image)), ct);
        Assert.Contains("image/usr/lib/libhello.so", names);
    }

    [Fact]
    public async Task Clear_signed_manifest_is_unwrapped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var output = new MemoryStream();
        var options = new GpkgWriteOptions
        {
            Timestamp = SampleGpkg.Timestamp,
            SignManifest = (text, _) => Task.FromResult(
                "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n" + text +
                "-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCgAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n"),
        };

        await GpkgWriter.WriteAsync(output, SampleGpkg.Metadata(), SampleGpkg.Image(), options, ct);

        var info = await SampleGpkg.ReadAsync(output.ToArray());
        Assert.True(info.IsSigned);
        Assert.True(info.Manifest.IsClearSigned);
        Assert.Equal(3, info.Manifest.Entries.Count);
    }
}
