namespace BuildSwarm.Gateway.Storage;

/// <summary>Owner of <c>energy_totals</c>: joules per (kind, key), only ever added to.</summary>
public sealed class EnergyTables(SwarmDatabase db)
{
    public Task<List<(string Kind, string Key, double Joules)>> TotalsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var list = new List<(string, string, double)>();
            await using var command = SwarmDatabase.Command(connection, null, "SELECT kind, key, joules FROM energy_totals");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add((reader.GetString(0), reader.GetString(1), reader.GetDouble(2)));
            }

            return list;
        }, cancellationToken);

    public Task AddAsync(IReadOnlyList<(string Kind, string Key, double Joules)> amounts) =>
        db.WriteAsync(async (connection, tx) =>
        {
            foreach (var (kind, key, joules) in amounts)
            {
                await SwarmDatabase.ExecuteAsync(connection, tx,
                    "INSERT INTO energy_totals (kind, key, joules) VALUES ($k, $key, $j) ON CONFLICT(kind, key) DO UPDATE SET joules = joules + excluded.joules",
                    CancellationToken.None, ("$k", kind), ("$key", key), ("$j", joules));
            }

            return 0;
        }, CancellationToken.None);
}
