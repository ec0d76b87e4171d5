namespace BuildSwarm.Gateway.Binhost;

/// <summary>A read-only, seekable stream over byte parts laid end to end (an <see cref="IndexImage"/> file).</summary>
internal sealed class PartsStream(IReadOnlyList<ReadOnlyMemory<byte>> parts) : Stream
{
    private readonly long _length = parts.Sum(p => (long)p.Length);
    private long _position;
    private int _part;
    private int _offset;

    /// <summary>The parts copied into one array.</summary>
    public static byte[] Join(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        var joined = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.Span.CopyTo(joined.AsSpan(at));
            at += part.Length;
        }

        return joined;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (buffer.Length > 0 && _part < parts.Count)
        {
            var source = parts[_part].Span[_offset..];
            if (source.IsEmpty)
            {
                _part++;
                _offset = 0;
                continue;
            }

            var count = Math.Min(source.Length, buffer.Length);
            source[..count].CopyTo(buffer);
            buffer = buffer[count..];
            _offset += count;
            total += count;
        }

        _position += total;
        return total;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        (_part, _offset, _position) = (0, 0, target);
        var remaining = Math.Min(target, _length);
        while (_part < parts.Count && remaining >= parts[_part].Length)
        {
            remaining -= parts[_part].Length;
            _part++;
        }

        _offset = (int)remaining;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
