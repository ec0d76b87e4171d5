using System.Net.Sockets;
using System.Text;

namespace BuildSwarm.Tests.Fuzz;

/// <summary>Bytes that are not HTTP at all, or barely: each on its own connection, which then closes its sending side.</summary>
public static class RawSocketFuzz
{
    public static IEnumerable<(string Kind, byte[] Bytes)> Payloads(Random random, int randomCount)
    {
        for (var i = 0; i < randomCount; i++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            yield return ("raw-random", bytes);
            yield return ("raw-random-line", [.. bytes, .. "\r\n\r\n"u8]);
        }

        yield return ("raw-tls-hello", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03, .. new byte[64]]);
        yield return ("raw-http2-preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        yield return ("raw-partial-line", "GET /api/gateway/status HTT"u8.ToArray());
        yield return ("raw-no-headers-end", "GET / HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
        yield return ("raw-bad-version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n"u8.ToArray());
        yield return ("raw-nul", "GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        yield return ("raw-smuggle", "POST /api/gateway/jobs/renew HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"u8.ToArray());
        yield return ("raw-bad-chunk", "POST /api/gateway/jobs/renew HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"u8.ToArray());
        yield return ("raw-long-path", Encoding.ASCII.GetBytes("GET /" + new string('a', 100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        yield return ("raw-lf-only", "GET / HTTP/1.1\nHost: x\n\n"u8.ToArray());
        yield return ("raw-no-host", "GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        yield return ("raw-header-space", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"u8.ToArray());
    }

    /// <summary>
    /// Sends the bytes and returns what came back: the start of an answer, <c>""</c> when the server closed without
    /// one, or null when it still waits for the rest of a request after <paramref name="patience"/> (fair: it may be slow).
    /// </summary>
    public static async Task<string?> SendAsync(int port, byte[] bytes, TimeSpan patience, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port, cancellationToken);
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
        }
        catch (SocketException)
        {
            // The server may answer and close before it read everything; what it answered is what counts.
        }

        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (received.Length == 0)
            {
                return null;
            }
        }
        catch (SocketException)
        {
        }

        return Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)Math.Min(received.Length, 64));
    }
}
