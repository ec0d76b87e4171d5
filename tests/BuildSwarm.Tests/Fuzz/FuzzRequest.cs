namespace BuildSwarm.Tests.Fuzz;

/// <summary>
/// One hostile HTTP request: <see cref="Kind"/> says which family it belongs to (for the figures), <see cref="SlowChunks"/>
/// sends the body in that many pieces with a pause between them.
/// </summary>
public sealed record FuzzRequest(string Kind, string Method, string Url, byte[]? Body, string? ContentType, IReadOnlyList<(string Name, string Value)> Headers, int SlowChunks = 0)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Url);
        if (Body is not null)
        {
            message.Content = SlowChunks > 0 ? new StreamContent(new SlowStream(Body, SlowChunks)) : new ByteArrayContent(Body);
            message.Content.Headers.ContentLength = Body.Length;
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        foreach (var (name, value) in Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    public override string ToString() => $"{Kind}: {Method} {Url} ({Body?.Length ?? 0} bytes)";

    /// <summary>A body that arrives in pieces, 20 ms apart: a slow client, well inside Kestrel's minimum data rate.</summary>
    private sealed class SlowStream(byte[] body, int chunks) : Stream
    {
        private readonly int _chunk = Math.Max(1, body.Length / chunks);
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => body.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= body.Length)
            {
                return 0;
            }

            await Task.Delay(20, cancellationToken);
            var count = Math.Min(Math.Min(_chunk, buffer.Length), body.Length - _position);
            body.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
