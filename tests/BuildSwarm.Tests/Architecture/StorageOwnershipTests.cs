using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using ArchUnitNET.Domain.Extensions;
using ArchUnitNET.Loader;
using BuildSwarm.Tests.Docs;

namespace BuildSwarm.Tests.Architecture;

/// <summary>
/// The gateway's storage seam of docs/architecture.md: every table has one owner and only the owner's
/// files hold SQL naming it; no transaction or connection object is passed to code outside
/// <c>Storage/</c>, so a unit of work (publish a package and complete its job) is one method of one owner.
/// </summary>
public sealed partial class StorageOwnershipTests
{
    private static readonly string GatewaySource = Path.Combine(ApiDocRoutes.RepoRoot(), "src", "BuildSwarm.Gateway");

    /// <summary>Each table and the files (relative to the gateway project, prefixes) that own it.</summary>
    private static readonly Dictionary<string, string> Owners = new(StringComparer.Ordinal)
    {
        ["builds"] = "Storage/JobTables",
        ["jobs"] = "Storage/JobTables",
        ["job_deps"] = "Storage/JobTables",
        ["leases"] = "Storage/JobTables",
        ["job_failures"] = "Storage/JobTables",
        ["packages"] = "Storage/PackageTables",
        ["binhost_releases"] = "Storage/PackageTables",
        ["binhost_release_entries"] = "Storage/PackageTables",
        ["binhost_stable"] = "Storage/PackageTables",
        ["drone_drains"] = "Storage/DroneControlTables",
        ["drone_groundings"] = "Storage/DroneControlTables",
        ["swarm_controls"] = "Storage/DroneControlTables",
        ["drone_limits"] = "Storage/DroneControlTables",
        ["drones"] = "Storage/DroneAdmissions",
        ["join_tokens"] = "Storage/JoinTokens",
        ["orchestrators"] = "Storage/FleetTables",
        ["package_estimates"] = "Storage/EstimateTables",
        ["drone_speeds"] = "Storage/EstimateTables",
        ["events"] = "Storage/EventTables",
        ["energy_totals"] = "Storage/EnergyTables",
    };

    private static readonly string[] TransactionTypes =
    [
        "Microsoft.Data.Sqlite.SqliteTransaction", "Microsoft.Data.Sqlite.SqliteConnection",
        "System.Data.Common.DbTransaction", "System.Data.Common.DbConnection",
    ];

    [Fact]
    public void Every_table_of_the_schema_has_an_owner()
    {
        var schema = File.ReadAllText(Path.Combine(GatewaySource, "Storage", "Schema.cs"));
        var tables = CreateTable().Matches(schema).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(tables);
        Assert.Empty(tables.Where(t => !Owners.ContainsKey(t)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Sql_naming_a_table_lives_only_with_its_owner()
    {
        var strays = new List<string>();
        foreach (var file in Directory.EnumerateFiles(GatewaySource, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(GatewaySource, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || relative == "Storage/Schema.cs")
            {
                continue;
            }

            strays.AddRange(StraySql(relative, File.ReadAllText(file)));
        }

        Assert.Empty(strays);
    }

    [Fact]
    public void The_ownership_check_finds_sql_outside_its_owner() =>
        Assert.Equal(["Jobs/Stray.cs: jobs (owner Storage/JobTables)"], StraySql("Jobs/Stray.cs", "\"UPDATE jobs SET state = 'ready'\""));

    [Fact]
    public void No_transaction_or_connection_leaves_the_storage_folder()
    {
        var gateway = typeof(BuildSwarm.Gateway.GatewayServer).Assembly;
        var architecture = new ArchLoader().LoadAssemblies(gateway).Build();
        var leaks = architecture.Types
            .Where(t => !t.Namespace.FullName.StartsWith("BuildSwarm.Gateway.Storage", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethodMembers().Where(UsesTransaction).Select(m => $"{t.FullName}.{m.Name}"))
            .ToList();
        Assert.Empty(leaks);
        Assert.Contains(architecture.Types, t => t.GetMethodMembers().Any(UsesTransaction)); // the check sees the storage layer's own
    }

    private static bool UsesTransaction(MethodMember method) =>
        method.Parameters.Any(p => TransactionTypes.Contains(p.FullName, StringComparer.Ordinal))
        || TransactionTypes.Contains(method.ReturnType.FullName, StringComparer.Ordinal)
        || method.GetMethodCallDependencies().Any(c => TransactionTypes.Any(t => c.TargetMember.FullName.Contains(t, StringComparison.Ordinal)));

    private static IEnumerable<string> StraySql(string relative, string text)
    {
        foreach (var table in TableReferences().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal))
        {
            if (Owners.TryGetValue(table, out var owner) && !relative.StartsWith(owner, StringComparison.Ordinal))
            {
                yield return $"{relative}: {table} (owner {owner})";
            }
        }
    }

    [GeneratedRegex(@"CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)")]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+([a-z_]+)\b")]
    private static partial Regex TableReferences();
}
