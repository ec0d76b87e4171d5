using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>
/// A TCP relay that adds latency where the kernel has no netem: it listens (on loopback or inside a test
/// namespace), connects each accepted connection to the real target (from a namespace too, so the bytes
/// still cross the veth link the test can cut) and forwards both directions, holding every chunk for
/// <see cref="Delay"/> before writing it. Each direction is a queue of timestamped chunks, so chunks
/// overlap in flight like packets on a slow link instead of paying the delay one after another; the queue
/// is bounded, so a slow reader pushes back on the writer. Disposing stops the listener and every connection.
/// </summary>
public sealed class DelayRelay : IAsyncDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private const int QueuedChunks = 64;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly string? _targetNamespace;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Task _accepting;
    private int _disposed;
    private long _chunks;
    private long _bytes;
    private long _connectionCount;
    private long _shortestHoldTicks = long.MaxValue;

    private DelayRelay(Socket listener, IPEndPoint target, string? targetNamespace, TimeSpan delay)
    {
        _listener = listener;
        _target = target;
        _targetNamespace = targetNamespace;
        Delay = delay;
        Listening = (IPEndPoint)listener.LocalEndPoint!;
        _accepting = AcceptAsync();
    }

    public TimeSpan Delay { get; }

    public IPEndPoint Listening { get; }

    /// <summary>Chunks written after being held, both directions together.</summary>
    public long ChunksForwarded => Interlocked.Read(ref _chunks);

    public long BytesForwarded => Interlocked.Read(ref _bytes);

    public long Connections => Interlocked.Read(ref _connectionCount);

    /// <summary>The shortest time any chunk spent in the relay (zero before the first one).</summary>
    public TimeSpan ShortestHold => Interlocked.Read(ref _shortestHoldTicks) is var t && t == long.MaxValue ? TimeSpan.Zero : TimeSpan.FromTicks(t);

    /// <summary>
    /// Starts listening on <paramref name="listen"/> (port 0 picks one) in <paramref name="listenNamespace"/>
    /// (null: the test's own), forwarding to <paramref name="target"/> as seen from <paramref name="targetNamespace"/>.
    /// </summary>
    public static DelayRelay Start(IPEndPoint listen, string? listenNamespace, IPEndPoint target, string? targetNamespace, TimeSpan delay)
    {
        var listener = NamespaceSocket.Create(listenNamespace, listen.AddressFamily);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(listen);
            listener.Listen(64);
            return new DelayRelay(listener, target, targetNamespace, delay);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        await Task.WhenAll(_connections.Keys.Append(_accepting)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _connectionCount);
            var connection = RelayAsync(client);
            _connections[connection] = 0;
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var _ = client;
        using var upstream = NamespaceSocket.Create(_targetNamespace, _target.AddressFamily);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            // A cut link must fail the connection soon, as a real one would, not leave the client waiting for the kernel's SYN retries.
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
            {
                connect.CancelAfter(ConnectTimeout);
                await upstream.ConnectAsync(_target, connect.Token);
            }

            client.NoDelay = upstream.NoDelay = true;
            await Task.WhenAll(PumpAsync(client, upstream, stop), PumpAsync(upstream, client, stop));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            await stop.CancelAsync();
        }
    }

    /// <summary>One direction: a reader stamps chunks into a bounded queue, a writer sends each when its time has come.</summary>
    private async Task PumpAsync(Socket from, Socket to, CancellationTokenSource stop)
    {
        var queue = Channel.CreateBounded<(byte[] Data, long Received)>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true });
        var reading = ReadAsync(from, queue.Writer, stop.Token);
        try
        {
            await foreach (var (data, received) in queue.Reader.ReadAllAsync(stop.Token))
            {
                for (var left = Delay - Stopwatch.GetElapsedTime(received); left > TimeSpan.Zero; left = Delay - Stopwatch.GetElapsedTime(received))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)), stop.Token);
                }

                RecordHold(Stopwatch.GetElapsedTime(received));
                await to.SendAsync(data, SocketFlags.None, stop.Token);
                Interlocked.Increment(ref _chunks);
                Interlocked.Add(ref _bytes, data.Length);
            }

            await reading;
            to.Shutdown(SocketShutdown.Send); // the end of one direction is news for the other side, held like the data
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or ChannelClosedException)
        {
            await stop.CancelAsync();
        }
    }

    private static async Task ReadAsync(Socket from, ChannelWriter<(byte[] Data, long Received)> queue, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkBytes];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            {
                await queue.WriteAsync((buffer[..read], Stopwatch.GetTimestamp()), cancellationToken);
            }

            queue.TryComplete();
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            queue.TryComplete(ex);
        }
    }

    private void RecordHold(TimeSpan held)
    {
        var ticks = held.Ticks;
        for (var current = Interlocked.Read(ref _shortestHoldTicks); ticks < current;)
        {
            var seen = Interlocked.CompareExchange(ref _shortestHoldTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
