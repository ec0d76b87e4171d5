using System.Globalization;
using System.IO.Compression;
using System.Text;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway.Binhost;

namespace BuildSwarm.Tests.Binhost;

/// <summary>The runs behind the served index against Portage's one-shot writer, through splits, removals and reuse.</summary>
public sealed class IndexRunsTests
{
    private static readonly Dictionary<string, string> Header = new(StringComparer.Ordinal) { ["ARCH"] = "amd64", ["CHOST"] = BinhostHarness.Chost };

    private static Dictionary<string, string> Entry(InstanceKey key) => new(StringComparer.Ordinal)
    {
        ["CPV"] = key.Cpv,
        ["BUILD_ID"] = key.BuildId.ToString(CultureInfo.InvariantCulture),
        ["EAPI"] = "8",
        ["KEYWORDS"] = "amd64",
        ["MD5"] = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(key.ToString()))),
        ["PATH"] = $"{key.Cpv}-{key.BuildId}.gpkg.tar",
        ["SIZE"] = "1234",
    };

    private static byte[] Block(InstanceKey key) => Encoding.UTF8.GetBytes(PackagesIndex.WritePackage(Header, Entry(key)));

    private static (string Plain, string Gunzipped) Render(IndexRuns runs, long timestamp)
    {
        var image = IndexImage.Create(Header, runs.Count, runs.Pieces(), timestamp);
        var plain = Encoding.UTF8.GetString(PartsStream.Join(image.Plain));
        using var gunzip = new GZipStream(new MemoryStream(PartsStream.Join(image.Gzip)), CompressionMode.Decompress);
        using var unpacked = new MemoryStream();
        gunzip.CopyTo(unpacked);
        Assert.Equal(image.PlainLength, plain.Length);
        return (plain, Encoding.UTF8.GetString(unpacked.ToArray()));
    }

    [Fact]
    public void Random_adds_and_removes_across_many_runs_give_exactly_portages_index()
    {
        var random = new Random(7);
        var runs = new IndexRuns();
        var live = new SortedSet<InstanceKey>(InstanceKey.Order);
        for (var step = 0; step < 3_000; step++)
        {
            var key = new InstanceKey($"cat-{random.Next(20):D2}/pkg{random.Next(400):D3}-1.{random.Next(3)}", random.Next(1, 4));
            if (random.Next(4) == 0)
            {
                runs.Remove(key);
                live.Remove(key);
            }
            else
            {
                runs.Set(key, Block(key));
                live.Add(key);
            }

            if (step % 500 == 499)
            {
                var (plain, gunzipped) = Render(runs, 1_700_000_000 + step);
                var expected = PackagesIndex.Write(Header, live.Select(k => (IReadOnlyDictionary<string, string>)Entry(k)),
                    DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + step));
                Assert.Equal(expected, plain);
                Assert.Equal(expected, gunzipped);
                Assert.Equal(live.Count, runs.Count);
            }
        }

        Assert.True(live.Count > 2 * IndexRuns.MaxBlocks, $"the test should span several runs, has {live.Count} blocks");
    }

    [Fact]
    public void A_change_rebuilds_only_its_own_run()
    {
        var keys = Enumerable.Range(0, 1_000).Select(i => new InstanceKey($"app-misc/p{i:D4}-1", 1)).ToList();
        var runs = IndexRuns.From(keys.Select(k => KeyValuePair.Create(k, Block(k))));
        var before = runs.Pieces();

        runs.Set(new InstanceKey("app-misc/p0500-1", 2), Block(new InstanceKey("app-misc/p0500-1", 2)));
        var after = runs.Pieces();

        Assert.Equal(before.Length, after.Length);
        Assert.Equal(1, before.Zip(after).Count(pair => !ReferenceEquals(pair.First, pair.Second)));
    }

    [Fact]
    public void Removing_every_block_leaves_an_index_of_just_the_header()
    {
        var key = new InstanceKey("app-misc/only-1", 1);
        var runs = new IndexRuns();
        runs.Set(key, Block(key));
        runs.Remove(key);
        runs.Remove(key);

        var (plain, gunzipped) = Render(runs, 1_700_000_000);

        Assert.Equal(PackagesIndex.Write(Header, [], DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)), plain);
        Assert.Equal(plain, gunzipped);
        Assert.Equal(0, runs.Count);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(3, 4)]
    [InlineData(5, 100)]
    [InlineData(17, 1)]
    public void The_parts_stream_reads_any_range_after_a_seek(int offset, int count)
    {
        var parts = new ReadOnlyMemory<byte>[] { "abc"u8.ToArray(), Array.Empty<byte>(), "defgh"u8.ToArray(), "ijklmnopq"u8.ToArray() };
        using var stream = new PartsStream(parts);
        var whole = "abcdefghijklmnopq"u8.ToArray();

        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[count];
        var read = stream.Read(buffer);

        var expected = whole.Skip(offset).Take(count).ToArray();
        Assert.Equal(expected, buffer[..read]);
        Assert.Equal(whole.Length, stream.Length);
        Assert.Equal(Math.Min(whole.Length, offset + count), stream.Position);
    }
}
