using System.Collections.Concurrent;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Gateway.Energy;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Gateway.Storage;
using Prometheus;

namespace BuildSwarm.Gateway.Monitoring;

/// <summary>
/// The gateway's Prometheus metrics. Gauges are read from the gateway's state when scraped;
/// queue waits and build durations are observed from the event stream as they happen.
/// </summary>
public sealed class GatewayMetrics
{
    private readonly ConcurrentDictionary<long, DateTimeOffset> _leasedAt = new();
    private readonly Gauge _jobs;
    private readonly Gauge _dronesOnline;
    private readonly Gauge _coresOnline;
    private readonly Gauge _watts;
    private readonly Gauge _energy;
    private readonly Histogram _queueWait;
    private readonly Histogram _buildDuration;
    private readonly Counter _events;

    public GatewayMetrics(CollectorRegistry registry, EventLog events, JobTables queries, FleetRegistry fleet, EnergyLedger energy, SwarmDatabase db)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _jobs = factory.CreateGauge("buildswarm_jobs", "Jobs by state.", "state");
        _dronesOnline = factory.CreateGauge("buildswarm_drones_online", "Drones online (idle or building).");
        _coresOnline = factory.CreateGauge("buildswarm_cores_online", "Cores of the drones online.");
        _watts = factory.CreateGauge("buildswarm_power_watts", "Power the drones report now, summed.");
        _energy = factory.CreateGauge("buildswarm_energy_joules_total", "Energy consumed since the gateway's history began.");
        _queueWait = factory.CreateHistogram("buildswarm_queue_wait_seconds", "Time a job waited ready before a drone leased it.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.1, 4, 10) });
        _buildDuration = factory.CreateHistogram("buildswarm_build_duration_seconds", "From lease to published package, per job.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 3, 12) });
        _events = factory.CreateCounter("buildswarm_events_total", "Events recorded, by type.", "type");
        var commits = factory.CreateCounter("buildswarm_db_commits_total", "Write transactions committed (each one fsync); with group commit fewer than the writes.");
        var writes = factory.CreateCounter("buildswarm_db_writes_total", "Writes committed, summed over every group commit.");

        events.Appended += Observe;
        registry.AddBeforeCollectCallback(async ct =>
        {
            var counts = await queries.CountJobsAsync(ct);
            foreach (var state in Enum.GetValues<JobState>())
            {
                _jobs.WithLabels(state.ToWire()).Set(counts.GetValueOrDefault(state.ToWire()));
            }

            var drones = fleet.Drones(await fleet.OrchestratorsAsync(ct));
            var online = drones.Where(d => d.State is "online" or "building").ToList();
            _dronesOnline.Set(online.Count);
            _coresOnline.Set(online.Sum(d => d.Cores));
            _watts.Set(energy.Integrator.CurrentWatts);
            _energy.Set(energy.Integrator.TotalJoules);
            commits.IncTo(db.Commits);
            writes.IncTo(db.Writes);
        });
    }

    private void Observe(SwarmEvent e)
    {
        _events.WithLabels(e.Type).Inc();
        if (e.JobId is not { } job)
        {
            return;
        }

        switch (e.Type)
        {
            case "job.leased":
                if (_leasedAt.Count > 100_000)
                {
                    _leasedAt.Clear(); // leases that never ended (a lost gateway state): do not grow forever
                }

                _leasedAt[job] = e.At;
                if (e.Seconds is { } waited)
                {
                    _queueWait.Observe(waited);
                }

                break;
            case "job.done" when _leasedAt.TryRemove(job, out var since):
                _buildDuration.Observe((e.At - since).TotalSeconds);
                break;
            case "job.failed" or "job.expired":
                _leasedAt.TryRemove(job, out _);
                break;
        }
    }
}
