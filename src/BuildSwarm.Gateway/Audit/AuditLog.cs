using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Gateway.Audit;

/// <summary>
/// Every admin action, appended as one JSON line to <c>&lt;data&gt;/audit.jsonl</c> and fsynced before the answer goes
/// out. Kept out of the database on purpose: it survives a database restore, and an operator can ship or rotate it
/// with ordinary tools (a rotated file is simply started anew).
/// </summary>
public sealed class AuditLog(string path) : IDisposable
{
    public const int MaxRead = 10_000;

    private readonly SemaphoreSlim _write = new(1, 1);

    public string Path { get; } = path;

    public void Dispose() => _write.Dispose();

    public static string FileIn(string dataDir) => System.IO.Path.Combine(dataDir, "audit.jsonl");

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, SwarmJsonContext.Default.AuditEntry) + "\n");
        await _write.WaitAsync(cancellationToken);
        try
        {
            await using var file = new FileStream(Path, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.Read,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            await file.WriteAsync(line, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>The newest <paramref name="limit"/> entries, oldest first; a line that does not parse (a torn write) is skipped.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        var lines = await File.ReadAllLinesAsync(Path, cancellationToken);
        var entries = new List<AuditEntry>();
        foreach (var line in lines.TakeLast(Math.Clamp(limit, 1, MaxRead)))
        {
            try
            {
                if (JsonSerializer.Deserialize(line, SwarmJsonContext.Default.AuditEntry) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
            }
        }

        return entries;
    }
}
