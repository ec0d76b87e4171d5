using System.Collections.Concurrent;
using System.Security.Cryptography;
using BuildSwarm.Configuration;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Http;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator;

/// <summary>The drones of this site, their credentials and the leases each one holds.</summary>
public sealed class DroneRegistry(TimeProvider time, IOptions<OrchestratorOptions> options)
{
    private readonly ConcurrentDictionary<string, DroneRecord> _drones = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _revoked = new(StringComparer.Ordinal);

    /// <summary>Pulsed when a drone joins, so the gateway hears of it without waiting for the next sync.</summary>
    public Jobs.JobSignal Changed { get; } = new();

    public DroneRecord Register(DroneRegistration registration, string? observedAddress)
    {
        // A drone keeps its id across restarts through the node id it stores; its token is new each time.
        var id = registration.NodeId is { Length: > 0 } nodeId ? nodeId : "d-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var record = new DroneRecord(id, BearerToken.New(), registration, observedAddress, time.GetUtcNow());
        _drones[id] = record;
        Changed.Pulse();
        return record;
    }

    public DroneRecord? Authenticate(string droneId, string? token) =>
        _drones.TryGetValue(droneId, out var drone) && BearerToken.Matches(token, drone.Token) ? drone : null;

    public void Touch(DroneRecord drone, IReadOnlyList<string> leaseIds, double load)
    {
        drone.LastSeen = time.GetUtcNow();
        drone.Load = load;
        // A lease the drone no longer reports is gone (finished, or lost in a crash); a lease handed out
        // moments ago may simply not have reached the drone when it sent this heartbeat.
        var held = leaseIds.ToHashSet(StringComparer.Ordinal);
        var settled = drone.LastSeen - TimeSpan.FromSeconds(10);
        lock (drone.Leases)
        {
            foreach (var (leaseId, lease) in drone.Leases.ToList())
            {
                if (!held.Contains(leaseId) && lease.Added < settled)
                {
                    drone.Leases.Remove(leaseId);
                }
            }
        }
    }

    public void AddLease(DroneRecord drone, JobLease lease)
    {
        lock (drone.Leases)
        {
            drone.Leases[lease.LeaseId] = new HeldLease(lease.Cpv, time.GetUtcNow());
        }
    }

    public void RemoveLease(DroneRecord drone, string leaseId)
    {
        lock (drone.Leases)
        {
            drone.Leases.Remove(leaseId);
        }
    }

    public bool IsOnline(DroneRecord drone) =>
        time.GetUtcNow() - drone.LastSeen < TimeSpan.FromSeconds(options.Value.DroneTimeoutSeconds);

    /// <summary>Leases of drones that are still alive: only these are renewed at the gateway.</summary>
    public IReadOnlyList<string> LiveLeases() =>
        _drones.Values.Where(IsOnline).SelectMany(d =>
        {
            lock (d.Leases)
            {
                return d.Leases.Keys.ToList();
            }
        }).ToList();

    public void Revoke(IEnumerable<string> leaseIds)
    {
        foreach (var id in leaseIds)
        {
            _revoked[id] = 0;
            foreach (var drone in _drones.Values)
            {
                RemoveLease(drone, id);
            }
        }
    }

    /// <summary>Which of the leases a drone reports it holds are no longer valid.</summary>
    public IReadOnlyList<string> RevokedAmong(IReadOnlyList<string> leaseIds) =>
        leaseIds.Where(_revoked.ContainsKey).ToList();

    public IReadOnlyList<DroneView> Views()
    {
        var site = options.Value.Site;
        return _drones.Values.Select(d =>
        {
            List<string> jobs;
            lock (d.Leases)
            {
                jobs = d.Leases.Values.Select(l => l.Cpv).Order(StringComparer.Ordinal).ToList();
            }

            var state = !IsOnline(d) ? "offline" : jobs.Count > 0 ? "building" : "online";
            return new DroneView(d.Id, d.Registration.Name, site, d.Registration.Cores, d.Registration.RamMb, d.Registration.Slots, state,
                d.Registration.ReportIp ?? d.ObservedAddress, jobs, d.LastSeen, d.Registration.Kind);
        }).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }
}

public sealed class DroneRecord(string id, string token, DroneRegistration registration, string? observedAddress, DateTimeOffset lastSeen)
{
    public string Id { get; } = id;

    public string Token { get; } = token;

    public DroneRegistration Registration { get; } = registration;

    public string? ObservedAddress { get; } = observedAddress;

    public DateTimeOffset LastSeen { get; set; } = lastSeen;

    public double Load { get; set; }

    /// <summary>Leases by id; lock the dictionary to use it.</summary>
    public Dictionary<string, HeldLease> Leases { get; } = new(StringComparer.Ordinal);
}

public sealed record HeldLease(string Cpv, DateTimeOffset Added);
