using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace BuildSwarm.Hosting.Network;

/// <summary>
/// Kestrel closes a connection that does not start like an HTTP request (random bytes, a TLS handshake on a plain
/// port) without a word. This guard answers such a connection with one <c>400 Bad Request</c> and closes it, so a
/// client, a probe or a confused tool learns what went wrong; anything that starts with a request method goes on
/// to Kestrel untouched (which answers malformed requests itself).
/// </summary>
public static class NotHttpGuard
{
    private const int MaxMethodLength = 24;

    private static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(10);

    private static readonly byte[] Answer = Encoding.ASCII.GetBytes(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 42\r\nConnection: close\r\n\r\n" +
        "this is an HTTP server: not an HTTP request");

    private enum Verdict
    {
        Http,
        NotHttp,
        NeedMore,
    }

    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        // Not ConnectionClosed: it fires when the client closes its sending side, and the answer must still go out.
        using var patience = new CancellationTokenSource(FirstBytesTimeout);
        var input = connection.Transport.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                // Silent for that long: Kestrel's own timeouts take it from here.
                await next(connection);
                return;
            }

            var buffer = result.Buffer;
            var verdict = Judge(buffer);
            if (verdict == Verdict.NeedMore && !result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            if (verdict == Verdict.Http || buffer.IsEmpty)
            {
                input.AdvanceTo(buffer.Start);
                await next(connection);
                return;
            }

            input.AdvanceTo(buffer.End);
            await connection.Transport.Output.WriteAsync(Answer);
            await connection.Transport.Output.CompleteAsync();
            return;
        }
    };

    /// <summary>An HTTP/1.x request line starts with a method token (upper-case letters) and a space.</summary>
    private static Verdict Judge(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        for (var i = 0; i < MaxMethodLength; i++)
        {
            if (!reader.TryRead(out var b))
            {
                return Verdict.NeedMore;
            }

            if (b == (byte)' ')
            {
                return i > 0 ? Verdict.Http : Verdict.NotHttp;
            }

            if (b is not ((>= (byte)'A' and <= (byte)'Z') or (byte)'-' or (byte)'_'))
            {
                return Verdict.NotHttp;
            }
        }

        return Verdict.NotHttp;
    }
}
