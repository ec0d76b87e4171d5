using System.Security.Cryptography;
using System.Text.RegularExpressions;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Fleet;
using BuildSwarm.Hosting.Http;
using BuildSwarm.Hosting.Network;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

/// <summary>A refusal to admit or change a drone, in the words the operator will read.</summary>
public sealed record AdmissionRefusal(int Status, string Title, string Detail);

/// <summary>
/// The gateway's registry of drones: the one place that decides whether a drone may work.
/// Orchestrators ask it when a drone registers and learn its decisions at every sync.
/// </summary>
public sealed partial class DroneAdmissions(SwarmDatabase db, GatewaySecrets secrets, TimeProvider time, ILogger<DroneAdmissions> logger)
{
    private const string Columns =
        "id, name, host_name, state, site, cores, ram_mb, slots, addresses, address, reported_address, observed_address, behind_nat, masked, created_at, updated_at";

    private readonly IReadOnlyList<string> _ownAddresses = LocalAddresses.AllAsText();

    public async Task<(DroneAdmission? Admission, AdmissionRefusal? Refusal)> AdmitAsync(DroneAdmissionRequest request, CancellationToken cancellationToken)
    {
        var registration = request.Registration;
        var nodeId = string.IsNullOrEmpty(registration.NodeId) ? "d-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) : registration.NodeId;
        if (!NodeIdPattern().IsMatch(nodeId))
        {
            return (null, new AdmissionRefusal(400, "Invalid node id", "nodeId: 1-64 letters, digits, '.', '_' or '-'"));
        }

        if (BearerToken.Matches(request.Secret, secrets.ClusterToken))
        {
            return (null, new AdmissionRefusal(401, "Not a join token",
                "the cluster token is for orchestrators, not drones: give the drone a join token from 'build-swarm token create'"));
        }

        var verdict = AddressVerdict.Judge(registration.ReportIp, registration.Addresses ?? [], request.ObservedAddress,
            _ownAddresses.Concat(request.OrchestratorAddresses));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = await db.WriteAsync<(DroneAdmission?, AdmissionRefusal?)>(async (connection, tx) =>
        {
            var existing = await ReadAsync(connection, tx, nodeId, cancellationToken);
            var credentialHash = (string?)await SwarmDatabase.ScalarAsync(connection, tx, "SELECT credential_hash FROM drones WHERE id = $id", cancellationToken, ("$id", nodeId));
            if (existing is not null && DroneAdmissionStates.IsRefused(existing.Admission))
            {
                return (null, new AdmissionRefusal(403, $"Drone {existing.Admission}",
                    $"drone '{existing.Name}' ({nodeId}) was {existing.Admission} by an operator; 'build-swarm drones approve {nodeId}' lets it back in"));
            }

            if (existing is not null && credentialHash == JoinTokens.Hash(request.Secret))
            {
                await UpdateAsync(connection, tx, nodeId, registration, request.Site, verdict, now, cancellationToken);
                return (ToAdmission(existing, verdict, null), null);
            }

            // A node id is bound to its credential: a join token enrolls a new drone, never an enrolled one (anyone with a
            // join token could otherwise take over a drone by its public id). A drone that lost its credential needs an
            // operator's reset, which clears the binding; it is then judged again like a new drone.
            if (existing is not null && credentialHash is { Length: > 0 })
            {
                return (null, new AdmissionRefusal(401, "Node id taken",
                    $"drone '{existing.Name}' ({nodeId}) is enrolled and bound to its credential, which was not presented; a join token cannot enroll it again. " +
                    $"If the drone lost its credential, an operator runs 'build-swarm drones reset {nodeId}' first"));
            }

            var (tokenId, autoApprove, refusal) = await JoinTokens.ConsumeAsync(connection, tx, request.Secret, now, cancellationToken);
            if (refusal is not null)
            {
                return (null, new AdmissionRefusal(401, "Join refused", existing is null ? refusal : $"{refusal} (and the drone's credential does not match)"));
            }

            var credential = "bsd_" + BearerToken.New();
            var state = autoApprove ? DroneAdmissionStates.Approved : DroneAdmissionStates.Pending;
            var name = existing?.Name ?? registration.Name;
            await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                INSERT INTO drones (id, name, host_name, state, credential_hash, join_token, site, cores, ram_mb, slots, addresses,
                                    address, reported_address, observed_address, behind_nat, masked, created_at, updated_at)
                VALUES ($id, $name, $host, $state, $hash, $token, '', 0, 0, 0, '', NULL, NULL, NULL, 0, 0, $now, $now)
                ON CONFLICT(id) DO UPDATE SET state = $state, credential_hash = $hash, join_token = $token, updated_at = $now
                """,
                cancellationToken, ("$id", nodeId), ("$name", name), ("$host", registration.HostName ?? registration.Name), ("$state", state),
                ("$hash", JoinTokens.Hash(credential)), ("$token", tokenId), ("$now", now));
            await UpdateAsync(connection, tx, nodeId, registration, request.Site, verdict, now, cancellationToken);
            LogAdmitted(nodeId, name, state, tokenId!);
            var stored = (await ReadAsync(connection, tx, nodeId, cancellationToken))!;
            return (ToAdmission(stored, verdict, credential), null);
        }, cancellationToken);
        return result;
    }

    /// <summary>Approve, reject or revoke; <paramref name="nameOrId"/> is a drone id or a unique name.</summary>
    public Task<(FleetDrone? Drone, AdmissionRefusal? Refusal)> DecideAsync(string nameOrId, string state, CancellationToken cancellationToken) =>
        ChangeAsync(nameOrId, "UPDATE drones SET state = $value, updated_at = $now WHERE id = $id", state, rename: false, cancellationToken);

    /// <summary>
    /// An operator's reset of a drone that lost its credential: the old credential stops working, the drone becomes
    /// pending, and its next registration with a join token enrolls it again.
    /// </summary>
    public Task<(FleetDrone? Drone, AdmissionRefusal? Refusal)> ResetAsync(string nameOrId, CancellationToken cancellationToken) =>
        ChangeAsync(nameOrId, "UPDATE drones SET state = $value, credential_hash = '', updated_at = $now WHERE id = $id", DroneAdmissionStates.Pending, rename: false, cancellationToken);

    public async Task<(FleetDrone? Drone, AdmissionRefusal? Refusal)> RenameAsync(string nameOrId, string newName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(newName) || newName.Length > 128 || newName.Trim() != newName)
        {
            return (null, new AdmissionRefusal(400, "Invalid name", "name: required, at most 128 characters, no leading or trailing spaces"));
        }

        return await ChangeAsync(nameOrId, "UPDATE drones SET name = $value, updated_at = $now WHERE id = $id", newName, rename: true, cancellationToken);
    }

    public Task<IReadOnlyList<FleetDrone>> ListAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FleetDrone>>(async connection =>
        {
            var list = new List<FleetDrone>();
            await using var command = SwarmDatabase.Command(connection, null, $"SELECT {Columns} FROM drones ORDER BY name, id");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(Read(reader));
            }

            return list;
        }, cancellationToken);

    /// <summary>
    /// Why the drone may not take work, or null when it may: only drones this gateway admitted and an operator (or an
    /// auto-approving token) approved. Checked here, not trusted to orchestrators: a cluster token is not an admission.
    /// </summary>
    public Task<string?> RefusalForWorkAsync(string droneId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
            await SwarmDatabase.ScalarAsync(connection, null, "SELECT state FROM drones WHERE id = $id", cancellationToken, ("$id", droneId)) switch
            {
                DroneAdmissionStates.Approved => null,
                string state => $"drone {droneId} is {state}: only approved drones get work",
                _ => $"drone {droneId} was never admitted by this gateway: only approved drones get work",
            },
            cancellationToken);

    /// <summary>The current decision on each drone an orchestrator reports; drones the gateway does not know are <c>unknown</c>.</summary>
    public async Task<IReadOnlyList<DroneDecision>> DecisionsAsync(IEnumerable<string> droneIds, CancellationToken cancellationToken)
    {
        var all = (await ListAsync(cancellationToken)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        return droneIds.Distinct(StringComparer.Ordinal)
            .Select(id => all.TryGetValue(id, out var d) ? new DroneDecision(id, d.Name, d.Admission) : new DroneDecision(id, id, "unknown"))
            .ToList();
    }

    private async Task<(FleetDrone? Drone, AdmissionRefusal? Refusal)> ChangeAsync(string nameOrId, string sql, string value, bool rename, CancellationToken cancellationToken) =>
        await db.WriteAsync(async (connection, tx) =>
        {
            var (id, refusal) = await ResolveAsync(connection, tx, nameOrId, cancellationToken);
            if (id is null)
            {
                return (null, refusal);
            }

            if (rename &&
                await SwarmDatabase.ScalarAsync(connection, tx, "SELECT id FROM drones WHERE name = $name AND id <> $id", cancellationToken, ("$name", value), ("$id", id)) is string other)
            {
                return (null, new AdmissionRefusal(409, "Name taken", $"drone {other} is already called '{value}'"));
            }

            await SwarmDatabase.ExecuteAsync(connection, tx, sql, cancellationToken, ("$value", value), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$id", id));
            LogChanged(id, value);
            return (await ReadAsync(connection, tx, id, cancellationToken), (AdmissionRefusal?)null);
        }, cancellationToken);

    private static async Task<(string? Id, AdmissionRefusal? Refusal)> ResolveAsync(SqliteConnection connection, SqliteTransaction tx, string nameOrId, CancellationToken cancellationToken)
    {
        if (await SwarmDatabase.ScalarAsync(connection, tx, "SELECT id FROM drones WHERE id = $x", cancellationToken, ("$x", nameOrId)) is string id)
        {
            return (id, null);
        }

        var ids = new List<string>();
        await using (var command = SwarmDatabase.Command(connection, tx, "SELECT id FROM drones WHERE name = $x", ("$x", nameOrId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        return ids.Count switch
        {
            1 => (ids[0], null),
            0 => (null, new AdmissionRefusal(404, "Not found", $"no drone has the id or name '{nameOrId}': see 'build-swarm drones list'")),
            _ => (null, new AdmissionRefusal(409, "Ambiguous", $"{ids.Count} drones are called '{nameOrId}' ({string.Join(", ", ids)}): use the id")),
        };
    }

    private static Task<int> UpdateAsync(SqliteConnection connection, SqliteTransaction tx, string id, DroneRegistration registration, string site, AddressVerdict verdict, long now, CancellationToken cancellationToken) =>
        SwarmDatabase.ExecuteAsync(connection, tx,
            """
            UPDATE drones SET host_name = $host, site = $site, cores = $cores, ram_mb = $ram, slots = $slots, addresses = $addresses,
                address = $address, reported_address = $reported, observed_address = $observed, behind_nat = $nat, masked = $masked, updated_at = $now
            WHERE id = $id
            """,
            cancellationToken, ("$host", registration.HostName ?? registration.Name), ("$site", site), ("$cores", registration.Cores), ("$ram", registration.RamMb),
            ("$slots", registration.Slots), ("$addresses", string.Join('\n', registration.Addresses ?? [])), ("$address", verdict.Address),
            ("$reported", verdict.ReportedAddress), ("$observed", verdict.ObservedAddress), ("$nat", verdict.BehindNat ? 1 : 0),
            ("$masked", verdict.MaskedByGateway ? 1 : 0), ("$now", now), ("$id", id));

    private static async Task<FleetDrone?> ReadAsync(SqliteConnection connection, SqliteTransaction tx, string id, CancellationToken cancellationToken)
    {
        await using var command = SwarmDatabase.Command(connection, tx, $"SELECT {Columns} FROM drones WHERE id = $id", ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static FleetDrone Read(SqliteDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var updated = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(15));
        return new FleetDrone(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Text(4) is { Length: > 0 } site ? site : null,
            r.GetInt32(5), r.GetInt64(6), r.GetInt32(7), r.GetString(8).Split('\n', StringSplitOptions.RemoveEmptyEntries), Text(9), Text(10), Text(11),
            r.GetInt64(12) != 0, r.GetInt64(13) != 0, "unknown", DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(14)), updated);
    }

    private static DroneAdmission ToAdmission(FleetDrone drone, AddressVerdict verdict, string? credential) =>
        new(drone.Id, drone.Name, drone.Admission, credential, verdict.ReportedAddress, verdict.ObservedAddress, verdict.BehindNat, verdict.MaskedByGateway);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NodeIdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {DroneId} ({Name}) joined with token {TokenId}: {State}")]
    private partial void LogAdmitted(string droneId, string name, string state, string tokenId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {DroneId} changed by an operator: {Value}")]
    private partial void LogChanged(string droneId, string value);
}
