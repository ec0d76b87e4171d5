using System.Collections.Concurrent;
using System.Threading.Channels;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Writes the live indexes to disk behind the served copy, for whatever else reads the binhost directory (nginx in
/// front, rsync to a mirror). One writer, latest image wins, and at most one write per directory every
/// <c>interval</c>: during a busy build a 30,000-package index (17 MB) is rewritten about once a second, not once per
/// publish, so the rewrites do not crowd the uploads' own fsyncs. The files trail the served index by at most
/// interval plus one write; the database is the record, and every start rewrites them.
/// </summary>
internal sealed partial class IndexMirror : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IndexImage> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);
    private readonly Channel<object> _work = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private volatile TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _flushes;
    private volatile bool _stopping;

    public IndexMirror(TimeSpan interval, TimeProvider time, ILogger logger)
    {
        (_interval, _time, _logger) = (interval, time, logger);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues <paramref name="image"/> for <paramref name="directory"/>; a newer one offered before the write replaces it.</summary>
    public void Offer(string directory, IndexImage image)
    {
        _latest.AddOrUpdate(directory, image, (_, old) => old.Timestamp > image.Timestamp ? old : image);
        _work.Writer.TryWrite(directory);
    }

    /// <summary>Completes when everything offered before the call is on disk (or failed and was logged); skips the wait between writes.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _flushes);
        if (!_work.Writer.TryWrite(done))
        {
            Interlocked.Decrement(ref _flushes);
            return Task.CompletedTask;
        }

        _wake.TrySetResult();
        return done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _work.Writer.TryComplete();
        _wake.TrySetResult();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var item in _work.Reader.ReadAllAsync())
        {
            if (item is TaskCompletionSource flushed)
            {
                Interlocked.Decrement(ref _flushes);
                flushed.TrySetResult();
                continue;
            }

            var directory = (string)item;
            if (!_latest.ContainsKey(directory))
            {
                continue; // an earlier item of this directory already wrote the newest image
            }

            await PaceAsync(directory);
            if (!_latest.TryRemove(directory, out var image))
            {
                continue;
            }

            try
            {
                await image.WriteFilesAsync(directory, durable: false, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Whatever went wrong (disk full, permissions), the writer must live on: the next publish retries.
                LogWriteFailed(ex, directory);
            }

            _written[directory] = _time.GetUtcNow();
        }
    }

    /// <summary>Waits until <paramref name="directory"/> may be written again, unless a flush or shutdown is waiting.</summary>
    private async Task PaceAsync(string directory)
    {
        while (_written.TryGetValue(directory, out var last) && last + _interval - _time.GetUtcNow() is { Ticks: > 0 } wait)
        {
            // A fresh wake-up first, then the check: a flush that comes after the check sets the fresh one.
            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (_stopping || Volatile.Read(ref _flushes) > 0)
            {
                return;
            }

            await Task.WhenAny(Task.Delay(wait, _time), _wake.Task);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the index files in {Directory}; the served index is current, the next publish retries")]
    private partial void LogWriteFailed(Exception exception, string directory);
}
