using BuildSwarm.Gateway.Storage;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Tests.Storage;

public sealed class SchemaMigrationTests
{
    [Fact]
    public async Task A_version_1_database_gains_tree_snapshot_and_keeps_its_builds()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "gateway.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = Schema.V1 + "PRAGMA user_version = 1; INSERT INTO builds (id, target, priority, created_at) VALUES ('b1', 'default', 0, 1);";
            await command.ExecuteNonQueryAsync();
        }

        using var db = new SwarmDatabase(path);
        await db.InitializeAsync(CancellationToken.None);
        await db.InitializeAsync(CancellationToken.None); // idempotent

        var (version, build, snapshot) = await db.ReadAsync(async connection => (
            Convert.ToInt32(await SwarmDatabase.ScalarAsync(connection, null, "PRAGMA user_version;", CancellationToken.None)),
            (string?)await SwarmDatabase.ScalarAsync(connection, null, "SELECT id FROM builds", CancellationToken.None),
            await SwarmDatabase.ScalarAsync(connection, null, "SELECT tree_snapshot FROM builds", CancellationToken.None)), CancellationToken.None);
        SqliteConnection.ClearAllPools();
        Assert.Equal((SwarmDatabase.SchemaVersion, "b1", (string?)null), (version, build, snapshot));
    }
}
