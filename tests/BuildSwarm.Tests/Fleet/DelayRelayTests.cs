using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>The relay that stands in for netem on the cross-site link, on loopback against an echo server.</summary>
public sealed class DelayRelayTests
{
    private static readonly TimeSpan OneWay = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task A_round_trip_through_the_relay_takes_both_delays_and_chunks_in_flight_overlap()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var cancel = TestContext.Current.CancellationToken;
        var echoing = EchoAsync(echo, cancel);
        await using var relay = DelayRelay.Start(new IPEndPoint(IPAddress.Loopback, 0), null, (IPEndPoint)echo.LocalEndpoint, null, OneWay);

        using var client = new TcpClient();
        await client.ConnectAsync(relay.Listening, cancel);
        var stream = client.GetStream();
        var reply = new byte[64 * 1024];

        var clock = Stopwatch.StartNew();
        await stream.WriteAsync("ping"u8.ToArray(), cancel);
        await stream.ReadExactlyAsync(reply.AsMemory(0, 4), cancel);
        var roundTrip = clock.Elapsed;
        Assert.True(roundTrip >= 2 * OneWay, $"round trip {roundTrip.TotalMilliseconds:0.0} ms");

        // 50 writes in a row: held one after another they would take 50 × 40 ms; in flight together about one round trip.
        clock.Restart();
        for (var i = 0; i < 50; i++)
        {
            await stream.WriteAsync(new byte[1000], cancel);
            await Task.Delay(2, cancel); // separate chunks on the wire
        }

        await stream.ReadExactlyAsync(reply.AsMemory(0, 50_000), cancel);
        var burst = clock.Elapsed;
        Assert.True(burst < TimeSpan.FromMilliseconds(50 * 40 / 2), $"50 chunks took {burst.TotalMilliseconds:0} ms");
        Assert.True(relay.ChunksForwarded >= 4, $"{relay.ChunksForwarded} chunks");
        Assert.True(relay.ShortestHold >= OneWay, $"shortest hold {relay.ShortestHold.TotalMilliseconds:0.0} ms");
        TestContext.Current.TestOutputHelper?.WriteLine($"round trip {roundTrip.TotalMilliseconds:0.0} ms; 50 chunks echoed in {burst.TotalMilliseconds:0} ms");

        // Disposing ends the connection: the client sees the end of its stream, the relay stops listening.
        await relay.DisposeAsync();
        Assert.Equal(0, await stream.ReadAsync(reply, cancel));
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var late = new TcpClient();
            await late.ConnectAsync(relay.Listening, cancel);
        });
        echo.Stop();
        await echoing;
    }

    private static async Task EchoAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            using var peer = await listener.AcceptTcpClientAsync(cancellationToken);
            var stream = peer.GetStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
