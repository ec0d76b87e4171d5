using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Hosting;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Logs;

/// <summary>
/// Build logs under <c>&lt;data&gt;/logs/&lt;jobId&gt;.log</c>, appended by the drone that holds the
/// job's lease. Offsets are the drone's: byte positions in its own log file, so a retried chunk
/// is written once. A later attempt of the job (another lease) continues the same file after a
/// separator line. A sidecar <c>&lt;jobId&gt;.lease</c> remembers which lease writes and where its
/// bytes start.
/// </summary>
public sealed class LogStore
{
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<long, ChangeSignal> _signals = new();
    private readonly long _maxBytes;

    public LogStore(IOptions<GatewayOptions> options)
    {
        Directory = Path.Combine(options.Value.DataDir, "logs");
        System.IO.Directory.CreateDirectory(Directory);
        _maxBytes = Math.Max(1024, options.Value.Logs.MaxBytes);
    }

    public string Directory { get; }

    public string PathOf(long jobId) => Path.Combine(Directory, jobId.ToString(CultureInfo.InvariantCulture) + ".log");

    public ChangeSignal Signal(long jobId) => _signals.GetOrAdd(jobId, _ => new ChangeSignal());

    /// <summary>Appends the drone's bytes from <paramref name="offset"/>; returns the offset it expects next.</summary>
    public async Task<LogAppend> AppendAsync(long jobId, string leaseId, long offset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(jobId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var file = PathOf(jobId);
            var sidecar = Path.ChangeExtension(file, ".lease");
            var length = File.Exists(file) ? new FileInfo(file).Length : 0;
            var owner = File.Exists(sidecar) ? (await File.ReadAllTextAsync(sidecar, cancellationToken)).Split(' ') : [];
            await using var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            long start;
            var truncated = false;
            if (owner.Length >= 2 && owner[0] == leaseId)
            {
                start = long.Parse(owner[1], CultureInfo.InvariantCulture);
                truncated = owner.Length > 2;
            }
            else
            {
                if (length > 0)
                {
                    var separator = Encoding.UTF8.GetBytes($"\n===== next attempt (lease {leaseId[..Math.Min(8, leaseId.Length)]}) =====\n");
                    await stream.WriteAsync(separator, cancellationToken);
                    length += separator.Length;
                }

                start = length;
                await File.WriteAllTextAsync(sidecar, $"{leaseId} {start}", cancellationToken);
            }

            if (truncated)
            {
                return new LogAppend(true, offset + bytes.Length); // over the limit: accepted and dropped
            }

            var expected = length - start;
            if (offset > expected)
            {
                return new LogAppend(false, expected); // a gap: the drone must resend from where we are
            }

            var fresh = bytes[(int)Math.Min(bytes.Length, expected - offset)..];
            var room = _maxBytes - length;
            if (fresh.Length > room)
            {
                await stream.WriteAsync(fresh[..(int)Math.Max(0, room)], cancellationToken);
                await stream.WriteAsync(Encoding.UTF8.GetBytes($"\n[log truncated: the gateway keeps {_maxBytes} bytes per job]\n"), cancellationToken);
                await File.WriteAllTextAsync(sidecar, $"{leaseId} {start} truncated", cancellationToken);
            }
            else
            {
                await stream.WriteAsync(fresh, cancellationToken);
            }

            await stream.FlushAsync(cancellationToken);
            Signal(jobId).Pulse();
            return new LogAppend(true, offset + bytes.Length);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Up to <paramref name="max"/> bytes from <paramref name="offset"/>, cut after the last full line when there is one.</summary>
    public async Task<(byte[] Bytes, long Length)> ReadAsync(long jobId, long offset, int max, CancellationToken cancellationToken)
    {
        var file = PathOf(jobId);
        if (!File.Exists(file))
        {
            return ([], 0);
        }

        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = stream.Length;
        if (offset >= length)
        {
            return ([], length);
        }

        stream.Position = offset;
        var buffer = new byte[(int)Math.Min(max, length - offset)];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var bytes = buffer.AsSpan(0, read);
        var lastNewline = bytes.LastIndexOf((byte)'\n');
        // Cutting at a line end keeps multi-byte characters whole; a line longer than a chunk goes as it is.
        return (lastNewline >= 0 && offset + read < length ? bytes[..(lastNewline + 1)].ToArray() : bytes.ToArray(), length);
    }

    public void Delete(long jobId)
    {
        File.Delete(PathOf(jobId));
        File.Delete(Path.ChangeExtension(PathOf(jobId), ".lease"));
        _signals.TryRemove(jobId, out _);
        _locks.TryRemove(jobId, out _);
    }
}

public readonly record struct LogAppend(bool Accepted, long NextOffset);
