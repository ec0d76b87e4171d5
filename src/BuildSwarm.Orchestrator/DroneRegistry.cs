using System.Collections.Concurrent;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting;
using BuildSwarm.Hosting.Http;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Orchestrator;

/// <summary>The drones of this site, their credentials and the leases each one holds.</summary>
public sealed class DroneRegistry(TimeProvider time, IOptions<OrchestratorOptions> options)
{
    private readonly ConcurrentDictionary<string, DroneRecord> _drones = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _revoked = new(StringComparer.Ordinal);

    /// <summary>Pulsed when a drone joins, so the gateway hears of it without waiting for the next sync.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>Records a drone the gateway has admitted (approved or pending); its session token is new each time.</summary>
    public DroneRecord Register(DroneRegistration registration, DroneAdmission admission)
    {
        var record = new DroneRecord(admission.DroneId, BearerToken.New(), registration, admission, time.GetUtcNow());
        _drones[record.Id] = record;
        Changed.Pulse();
        return record;
    }

    /// <summary>Takes the gateway's latest decisions; a drone the gateway no longer knows must register again.</summary>
    public void ApplyDecisions(IReadOnlyList<DroneDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            if (!_drones.TryGetValue(decision.DroneId, out var drone))
            {
                continue;
            }

            if (decision.State is DroneAdmissionStates.Pending or DroneAdmissionStates.Approved or DroneAdmissionStates.Rejected or DroneAdmissionStates.Revoked)
            {
                drone.State = decision.State;
                drone.Name = decision.Name;
            }
            else
            {
                _drones.TryRemove(decision.DroneId, out _);
            }
        }
    }

    public DroneRecord? Authenticate(string droneId, string? token) =>
        _drones.TryGetValue(droneId, out var drone) && BearerToken.Matches(token, drone.Token) ? drone : null;

    public void Touch(DroneRecord drone, IReadOnlyList<string> leaseIds, double load, IReadOnlyList<HeldLeaseReport>? reports = null)
    {
        drone.LastSeen = time.GetUtcNow();
        drone.Load = load;

        // A drone that moved here from another orchestrator keeps building what it holds: adopt its leases
        // so this orchestrator renews them at the gateway.
        // A lease another drone of this site holds is not adopted: a drone reports only for its own leases.
        var adoptable = (reports ?? []).Where(lease => leaseIds.Contains(lease.LeaseId, StringComparer.Ordinal) && !_revoked.ContainsKey(lease.LeaseId)
            && (HolderOf(lease.LeaseId) is not { } holder || holder == drone)).ToList();
        lock (drone.Leases)
        {
            foreach (var lease in adoptable)
            {
                drone.Leases.TryAdd(lease.LeaseId, new HeldLease(lease.Cpv, drone.LastSeen));
            }
        }

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

    /// <summary>The drone of this site that holds <paramref name="leaseId"/>, or null when none does.</summary>
    public DroneRecord? HolderOf(string leaseId) =>
        _drones.Values.FirstOrDefault(d =>
        {
            lock (d.Leases)
            {
                return d.Leases.ContainsKey(leaseId);
            }
        });

    public bool IsOnline(DroneRecord drone) =>
        time.GetUtcNow() - drone.LastSeen < TimeSpan.FromSeconds(options.Value.DroneTimeoutSeconds);

    /// <summary>Leases of drones that are still alive: only these are renewed at the gateway.</summary>
    public IReadOnlyList<string> LiveLeases() =>
        _drones.Values.Where(d => IsOnline(d) && d.State == DroneAdmissionStates.Approved).SelectMany(d =>
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

            var state = d.State != DroneAdmissionStates.Approved ? d.State : !IsOnline(d) ? "offline" : jobs.Count > 0 ? "building" : "online";
            var a = d.Admission;
            return new DroneView(d.Id, d.Name, site, d.Registration.Cores, d.Registration.RamMb, d.Registration.Slots, state,
                a.ReportedAddress ?? a.ObservedAddress, jobs, d.LastSeen, Watts: IsOnline(d) ? d.Watts : null, PowerSource: d.PowerSource,
                Role: d.Registration.Role, ReportedAddress: a.ReportedAddress, ObservedAddress: a.ObservedAddress, BehindNat: a.BehindNat, MaskedByGateway: a.MaskedByGateway,
                Kind: d.Registration.Kind);
        }).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }
}

public sealed class DroneRecord(string id, string token, DroneRegistration registration, DroneAdmission admission, DateTimeOffset lastSeen)
{
    public string Id { get; } = id;

    public string Token { get; } = token;

    public DroneRegistration Registration { get; } = registration;

    /// <summary>The gateway's answer when the drone registered: its addresses as judged there.</summary>
    public DroneAdmission Admission { get; } = admission;

    /// <summary>Admission state, kept current by the gateway's sync replies.</summary>
    public string State { get; set; } = admission.State;

    public string Name { get; set; } = admission.Name;

    public DateTimeOffset LastSeen { get; set; } = lastSeen;

    public double Load { get; set; }

    /// <summary>Power from the last heartbeat, and whether it was measured ("rapl") or estimated.</summary>
    public double? Watts { get; set; }

    public string? PowerSource { get; set; }

    /// <summary>Leases by id; lock the dictionary to use it.</summary>
    public Dictionary<string, HeldLease> Leases { get; } = new(StringComparer.Ordinal);
}

public sealed record HeldLease(string Cpv, DateTimeOffset Added);
