using BuildSwarm.Core.Portage;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Scheduling;

/// <summary>The gateway's <see cref="BuildTimeEstimator"/>: loaded from SQLite on start, every sample written through.</summary>
public sealed partial class BuildEstimates(SwarmDatabase db, IOptions<GatewayOptions> options, ILogger<BuildEstimates> logger)
{
    public BuildTimeEstimator Estimator { get; } = new(new EstimatorOptions { DefaultSeconds = options.Value.Scheduling.DefaultSeconds });

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var state = await db.ReadAsync(async connection =>
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
        Estimator.Import(state);
    }

    /// <summary>Learns from one finished build and stores what changed: the package (and its CP) and the drone.</summary>
    public async Task RecordAsync(BuildSample sample, CancellationToken cancellationToken)
    {
        Estimator.Record(sample);
        var keys = new HashSet<string>(StringComparer.Ordinal) { sample.PackageKey };
        if (Cpv.TryParse(sample.PackageKey, out var cpv))
        {
            keys.Add(cpv.Cp);
        }

        var state = Estimator.Export();
        await db.WriteAsync(async (connection, tx) =>
        {
            foreach (var package in state.Packages.Where(p => keys.Contains(p.PackageKey)))
            {
                await SwarmDatabase.ExecuteAsync(connection, tx,
                    """
                    INSERT INTO package_estimates (package, reference_seconds, samples) VALUES ($p, $s, $n)
                    ON CONFLICT(package) DO UPDATE SET reference_seconds = $s, samples = $n
                    """,
                    cancellationToken, ("$p", package.PackageKey), ("$s", package.ReferenceSeconds), ("$n", package.Samples));
            }

            foreach (var drone in state.Drones.Where(d => d.DroneId == sample.DroneId))
            {
                await SwarmDatabase.ExecuteAsync(connection, tx,
                    "INSERT INTO drone_speeds (drone_id, speed, samples) VALUES ($d, $s, $n) ON CONFLICT(drone_id) DO UPDATE SET speed = $s, samples = $n",
                    cancellationToken, ("$d", drone.DroneId), ("$s", drone.Speed), ("$n", drone.Samples));
            }

            return true;
        }, cancellationToken);
        LogRecorded(sample.PackageKey, sample.DroneId, sample.Seconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Build of {Package} on drone {DroneId} took {Seconds:F1} s")]
    private partial void LogRecorded(string package, string droneId, double seconds);
}
