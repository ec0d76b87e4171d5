using System.IO.Compression;
using BuildSwarm.Core.Portage;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// The package blocks of one index in CPV order, kept in runs of at most <see cref="MaxBlocks"/> blocks. Each run
/// caches its text and its compressed gzip piece, so a change to one block re-encodes and recompresses one run
/// (a few hundred blocks) whatever the size of the index. Not thread-safe: <see cref="BinhostIndex"/> holds its lock.
/// </summary>
internal sealed class IndexRuns
{
    /// <summary>A run splits in two above this: at most ~75 KB of text at a typical 600 bytes a block.</summary>
    public const int MaxBlocks = 128;

    private readonly List<Run> _runs = [];

    public int Count { get; private set; }

    public static IndexRuns From(IEnumerable<KeyValuePair<InstanceKey, byte[]>> sorted)
    {
        var runs = new IndexRuns();
        var current = new Run();
        foreach (var (key, block) in sorted)
        {
            if (current.Blocks.Count == MaxBlocks / 2)
            {
                runs._runs.Add(current);
                current = new Run();
            }

            current.Blocks.Add(key, block);
            runs.Count++;
        }

        if (current.Blocks.Count > 0)
        {
            runs._runs.Add(current);
        }

        return runs;
    }

    public void Set(InstanceKey key, byte[] block)
    {
        if (_runs.Count == 0)
        {
            _runs.Add(new Run());
        }

        var index = RunOf(key);
        var run = _runs[index];
        if (!run.Blocks.ContainsKey(key))
        {
            Count++;
        }

        run.Blocks[key] = block;
        run.Piece = null;
        if (run.Blocks.Count > MaxBlocks)
        {
            _runs.Insert(index + 1, run.SplitUpperHalf());
        }
    }

    public void Remove(InstanceKey key)
    {
        if (_runs.Count == 0)
        {
            return;
        }

        var index = RunOf(key);
        var run = _runs[index];
        if (!run.Blocks.Remove(key))
        {
            return;
        }

        Count--;
        run.Piece = null;
        if (run.Blocks.Count == 0)
        {
            _runs.RemoveAt(index);
        }
    }

    /// <summary>Every run's text and gzip piece in index order; only runs changed since the last call are rebuilt.</summary>
    public IndexPiece[] Pieces()
    {
        var pieces = new IndexPiece[_runs.Count];
        for (var i = 0; i < _runs.Count; i++)
        {
            pieces[i] = _runs[i].Piece ??= IndexPiece.Of(PartsStream.Join([.. _runs[i].Blocks.Values.Select(b => (ReadOnlyMemory<byte>)b)]));
        }

        return pieces;
    }

    /// <summary>The run that holds or would hold <paramref name="key"/>: the last one whose first key is not after it.</summary>
    private int RunOf(InstanceKey key)
    {
        var (low, high) = (0, _runs.Count - 1);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (InstanceKey.Order.Compare(_runs[middle].Blocks.Keys[0], key) <= 0)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    private sealed class Run
    {
        public SortedList<InstanceKey, byte[]> Blocks { get; private init; } = new(InstanceKey.Order);

        public IndexPiece? Piece { get; set; }

        public Run SplitUpperHalf()
        {
            var upper = new Run { Blocks = new SortedList<InstanceKey, byte[]>(MaxBlocks, InstanceKey.Order) };
            var half = Blocks.Count / 2;
            for (var i = half; i < Blocks.Count; i++)
            {
                upper.Blocks.Add(Blocks.Keys[i], Blocks.Values[i]);
            }

            for (var i = Blocks.Count - 1; i >= half; i--)
            {
                Blocks.RemoveAt(i);
            }

            Piece = null;
            return upper;
        }
    }
}

/// <summary>Part of an index: its text and the same text as a gzip piece.</summary>
internal sealed record IndexPiece(byte[] Text, GzipPiece Gzip)
{
    public static IndexPiece Of(byte[] text) => new(text, GzipPieces.Compress(text, CompressionLevel.Optimal));
}
