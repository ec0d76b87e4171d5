using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Energy;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Logs;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Monitoring;

/// <summary>The dashboard's view beyond the status: running jobs, failures, progress, binhost, energy.</summary>
public sealed class MonitorQueries(JobTables jobs, PackageTables packages, EnergyLedger energy, EventLog events, LogStore logs, IOptions<GatewayOptions> options)
{
    public async Task<MonitorView> GetAsync(CancellationToken cancellationToken)
    {
        var (_, last) = await events.RangeAsync(cancellationToken);
        var failures = await jobs.FailuresAsync(cancellationToken);
        return new MonitorView(
            await jobs.RunningAsync(cancellationToken),
            [.. failures.Select(f => f.HasLog ? f : f with { HasLog = File.Exists(logs.PathOf(f.JobId)) })],
            await jobs.ProgressAsync(cancellationToken),
            await packages.SummaryAsync(options.Value.DefaultTarget, cancellationToken),
            energy.View(),
            last);
    }
}
