using BuildSwarm.Core.Portage;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Scheduling;

/// <summary>The gateway's <see cref="BuildTimeEstimator"/>: loaded from storage on start, every sample written through.</summary>
public sealed partial class BuildEstimates(EstimateTables tables, IOptions<GatewayOptions> options, ILogger<BuildEstimates> logger)
{
    public BuildTimeEstimator Estimator { get; } = new(new EstimatorOptions { DefaultSeconds = options.Value.Scheduling.DefaultSeconds });

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var state = await tables.LoadAsync(cancellationToken);
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

        var changed = Estimator.Export(keys, [sample.DroneId]);
        await tables.SaveAsync(changed.Packages, changed.Drones, cancellationToken);
        LogRecorded(sample.PackageKey, sample.DroneId, sample.Seconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Build of {Package} on drone {DroneId} took {Seconds:F1} s")]
    private partial void LogRecorded(string package, string droneId, double seconds);
}
