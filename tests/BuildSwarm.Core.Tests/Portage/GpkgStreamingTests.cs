using System.Formats.Tar;
using System.Text;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

[CollectionDefinition(nameof(AllocationSensitive), DisableParallelization = true)]
public sealed class AllocationSensitive;

[Collection(nameof(AllocationSensitive))]
public sealed class GpkgStreamingTests
{
    private const long ImageSize = 96L << 20;

    [Fact]
    public async Task Large_image_is_hashed_from_a_forward_only_stream_without_being_buffered()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "big.gpkg.tar");
        await WriteBigGpkgAsync(path, ct);

        await using var file = File.OpenRead(path);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var info = await GpkgReader.ReadAsync(new ForwardOnlyStream(file), ct);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("image.tar", info.Members[2]);
        Assert.True(allocated < ImageSize / 8, $"reading allocated {allocated} bytes for a {ImageSize}-byte image");
    }

    private static async Task WriteBigGpkgAsync(string path, CancellationToken ct)
    {
        var small = await GpkgTestArchive.ReadMembersAsync(await SampleGpkg.BytesAsync(GpkgCompression.None), ct);
        var metadata = small.Single(m => m.FileName == "metadata.tar");
        using var digester = new GpkgDigester();
        var buffer = new byte[1 << 20];
        for (long done = 0; done < ImageSize; done += buffer.Length)
        {
            digester.Append(buffer);
        }

        var manifest = new GpkgManifest(
            [
                GpkgManifestEntry.From("gpkg-1", GpkgTestArchive.Digest([])),
                GpkgManifestEntry.From("metadata.tar", GpkgTestArchive.Digest(metadata.Data)),
                GpkgManifestEntry.From("image.tar", digester.Finish()),
            ],
            IsClearSigned: false);

        await using var output = File.Create(path);
        await using var writer = new TarWriter(output, TarEntryFormat.Ustar);
        await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, "hello-1.0-r1/gpkg-1"), ct);
        await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, "hello-1.0-r1/metadata.tar") { DataStream = new MemoryStream(metadata.Data) }, ct);
        await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, "hello-1.0-r1/image.tar") { DataStream = new ZeroStream(ImageSize) }, ct);
        await writer.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, "hello-1.0-r1/Manifest") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(manifest.Format())) }, ct);
    }

    private sealed class ZeroStream(long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Position);
            Array.Clear(buffer, offset, n);
            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>What an HTTP request body looks like to the reader: no Length, no Position, no Seek.</summary>
internal sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
