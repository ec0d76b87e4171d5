using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

/// <summary>
/// The gateway's durable state in SQLite (WAL). One writer loop owns the write connection and
/// commits in groups: the writes of concurrent requests that queue while a commit is in flight
/// run one after another in the next transaction, each in its own savepoint (a failing write
/// rolls back alone), and all of them are answered after that transaction's single commit is on
/// disk (<c>synchronous=FULL</c>). Readers run concurrently on their own connections.
/// </summary>
public sealed class SwarmDatabase : IDisposable
{
    /// <summary>The most writes one transaction takes, so that a long queue still commits often.</summary>
    public const int MaxGroup = 256;

    // Each step moves the schema from version N-1 to N; a step never changes once released.
    private static readonly string[] Migrations = [Schema.V1, Schema.V2, Schema.V3, Schema.V4, Schema.V5, Schema.V6, Schema.V7];

    public static int SchemaVersion => Migrations.Length;

    private readonly string _connectionString;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startGate = new();
    private Task? _writer;

    public SwarmDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        var version = Convert.ToInt32(await ScalarAsync(connection, null, "PRAGMA user_version;", cancellationToken));
        for (; version < SchemaVersion; version++)
        {
            // One step, in one transaction with its version bump: a crash leaves the old version whole.
            await using var transaction = connection.BeginTransaction();
            await ExecuteAsync(connection, transaction, Migrations[version], cancellationToken);
            await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {version + 1};", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Commits so far (transactions); with group commit fewer than the writes.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes committed so far.</summary>
    public long Writes => Interlocked.Read(ref _writesDone);

    private long _commits;
    private long _writesDone;

    /// <summary>
    /// Runs <paramref name="work"/> inside a write transaction, alone in its savepoint; returns once the
    /// transaction holding it is committed (durable). A <paramref name="work"/> that throws is rolled back
    /// alone and its exception is thrown here; the other writes of its group commit.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        EnsureWriter();
        var pending = new PendingWrite(async (connection, tx) => await work(connection, tx), cancellationToken);
        if (!_writes.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SwarmDatabase), "the gateway's database is closed");
        }

        return (T)(await pending.Done.Task)!;
    }

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_startGate)
        {
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        SqliteConnection? connection = null;
        var group = new List<PendingWrite>(MaxGroup);
        try
        {
            while (await _writes.Reader.WaitToReadAsync())
            {
                group.Clear();
                while (group.Count < MaxGroup && _writes.Reader.TryRead(out var next))
                {
                    if (next.Cancellation.IsCancellationRequested)
                    {
                        next.Done.TrySetCanceled(next.Cancellation);
                        continue;
                    }

                    group.Add(next);
                }

                if (group.Count == 0)
                {
                    continue;
                }

                try
                {
                    connection ??= await OpenAsync(CancellationToken.None);
                    await CommitGroupAsync(connection, group);
                }
                catch (Exception ex)
                {
                    // The transaction is lost (I/O error, disk full, a closed connection): none of its writes happened.
                    foreach (var write in group)
                    {
                        write.Result = null;
                        write.Error = ex;
                    }

                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }

                foreach (var write in group)
                {
                    if (write.Error is { } error)
                    {
                        write.Done.TrySetException(error);
                    }
                    else
                    {
                        write.Done.TrySetResult(write.Result);
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task CommitGroupAsync(SqliteConnection connection, List<PendingWrite> group)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None);
        var ok = 0;
        foreach (var write in group)
        {
            transaction.Save("w");
            try
            {
                write.Result = await write.Work(connection, transaction);
                transaction.Release("w");
                ok++;
            }
            catch (Exception ex)
            {
                transaction.Rollback("w");
                transaction.Release("w");
                write.Error = ex;
            }
        }

        await transaction.CommitAsync(CancellationToken.None);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writesDone, ok);
    }

    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection);
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    /// <summary>The first column of every row, as strings.</summary>
    public static async Task<List<string>> StringsAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var values = new List<string>();
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>Stops taking writes and waits for the queued ones to commit.</summary>
    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _writer?.GetAwaiter().GetResult();
    }

    /// <summary>A write waiting for its group: the work, and how it ended once its transaction committed.</summary>
    private sealed class PendingWrite(Func<SqliteConnection, SqliteTransaction, Task<object?>> work, CancellationToken cancellation)
    {
        public Func<SqliteConnection, SqliteTransaction, Task<object?>> Work { get; } = work;

        public CancellationToken Cancellation { get; } = cancellation;

        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public object? Result { get; set; }

        public Exception? Error { get; set; }
    }
}
