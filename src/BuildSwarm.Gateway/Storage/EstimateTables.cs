using BuildSwarm.Core.Scheduling;

namespace BuildSwarm.Gateway.Storage;

/// <summary>Owner of <c>package_estimates</c> and <c>drone_speeds</c>: what the build-time estimator has learnt.</summary>
public sealed class EstimateTables(SwarmDatabase db)
{
    public Task<EstimatorState> LoadAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var packages = new List<PackageEstimate>();
            await using (var command = SwarmDatabase.Command(connection, null, "SELECT package, reference_seconds, samples FROM package_estimates"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    packages.Add(new PackageEstimate(reader.GetString(0), reader.GetDouble(1), reader.GetInt32(2)));
                }
            }

            var drones = new List<DroneSpeedEstimate>();
            await using (var command = SwarmDatabase.Command(connection, null, "SELECT drone_id, speed, samples FROM drone_speeds"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    drones.Add(new DroneSpeedEstimate(reader.GetString(0), reader.GetDouble(1), reader.GetInt32(2)));
                }
            }

            return new EstimatorState(packages, drones);
        }, cancellationToken);

    /// <summary>Stores the given package and drone estimates over what was there.</summary>
    public Task SaveAsync(IEnumerable<PackageEstimate> packages, IEnumerable<DroneSpeedEstimate> drones, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
        {
            foreach (var package in packages)
            {
                await SwarmDatabase.ExecuteAsync(connection, tx,
                    """
                    INSERT INTO package_estimates (package, reference_seconds, samples) VALUES ($p, $s, $n)
                    ON CONFLICT(package) DO UPDATE SET reference_seconds = $s, samples = $n
                    """,
                    cancellationToken, ("$p", package.PackageKey), ("$s", package.ReferenceSeconds), ("$n", package.Samples));
            }

            foreach (var drone in drones)
            {
                await SwarmDatabase.ExecuteAsync(connection, tx,
                    "INSERT INTO drone_speeds (drone_id, speed, samples) VALUES ($d, $s, $n) ON CONFLICT(drone_id) DO UPDATE SET speed = $s, samples = $n",
                    cancellationToken, ("$d", drone.DroneId), ("$s", drone.Speed), ("$n", drone.Samples));
            }

            return true;
        }, cancellationToken);
}
