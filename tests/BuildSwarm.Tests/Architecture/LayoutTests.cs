using ArchUnitNET.Domain;
using ArchUnitNET.Domain.Extensions;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;
using Assembly = System.Reflection.Assembly;

namespace BuildSwarm.Tests.Architecture;

/// <summary>
/// The project layout of docs/architecture.md as compiler and bytecode facts: roles do not reach
/// into each other, Core touches no file system, process, network, database or clock, and no
/// project's folders depend on each other in a circle.
/// </summary>
public sealed class LayoutTests
{
    private static readonly Assembly Core = typeof(BuildSwarm.Core.Contracts.TargetNames).Assembly;
    private static readonly Assembly Hosting = typeof(BuildSwarm.Hosting.SwarmVersion).Assembly;
    private static readonly Assembly Remote = typeof(BuildSwarm.Remote.SshShell).Assembly;
    private static readonly Assembly Gateway = typeof(BuildSwarm.Gateway.GatewayServer).Assembly;
    private static readonly Assembly Orchestrator = typeof(BuildSwarm.Orchestrator.OrchestratorOptions).Assembly;
    private static readonly Assembly Drone = typeof(BuildSwarm.Drone.DroneAgent).Assembly;
    private static readonly Assembly Cli = typeof(BuildSwarm.Cli.CliApp).Assembly;

    private static readonly Assembly[] Roles = [Gateway, Orchestrator, Drone, Cli];

    private static readonly ArchUnitNET.Domain.Architecture Loaded =
        new ArchLoader().LoadAssemblies(Core, Hosting, Remote, Gateway, Orchestrator, Drone, Cli).Build();

    public static TheoryData<string> RoleNames => new(Roles.Select(r => r.GetName().Name!));

    [Theory]
    [MemberData(nameof(RoleNames))]
    public void A_role_project_references_no_other_role_project(string role)
    {
        var assembly = Roles.Single(r => r.GetName().Name == role);
        var others = Roles.Where(r => r != assembly).Select(r => r.GetName().Name).ToHashSet(StringComparer.Ordinal);

        var referenced = assembly.GetReferencedAssemblies().Select(a => a.Name).Where(others.Contains);

        Assert.Empty(referenced);
        Types().That().ResideInAssembly(assembly).Should()
            .NotDependOnAnyTypesThat().ResideInAssembly(Roles.Where(r => r != assembly).First(), [.. Roles.Where(r => r != assembly).Skip(1)])
            .Check(Loaded);
    }

    [Fact]
    public void Shared_layers_reference_no_role()
    {
        foreach (var shared in new[] { Core, Hosting, Remote })
        {
            var names = shared.GetReferencedAssemblies().Select(a => a.Name).ToList();
            Assert.DoesNotContain(names, n => Roles.Any(r => r.GetName().Name == n));
        }

        Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name is "BuildSwarm.Hosting" or "BuildSwarm.Remote");
    }

    [Fact]
    public void Core_starts_no_process_opens_no_connection_and_reads_no_clock()
    {
        CoreRule(NoProcessNetworkOrDatabase()).Check(Loaded);
        CoreRule(NoWallClock()).Check(Loaded);
    }

    [Fact]
    public void Core_touches_no_file_system() =>
        CoreRule(NoFileSystem()).Check(Loaded);

    [Fact]
    public void The_rules_catch_what_they_forbid()
    {
        // The same conditions applied to the roles find what the roles legitimately use:
        // a rule that cannot fail here would not guard Core either.
        Assert.False(RoleRule(Gateway, NoFileSystem()).HasNoViolations(Loaded));
        Assert.False(RoleRule(Remote, NoProcessNetworkOrDatabase()).HasNoViolations(Loaded));
        Assert.False(RoleRule(Gateway, NoProcessNetworkOrDatabase()).HasNoViolations(Loaded));
        Assert.False(RoleRule(Gateway, NoWallClock()).HasNoViolations(Loaded) && RoleRule(Cli, NoWallClock()).HasNoViolations(Loaded) && RoleRule(Drone, NoWallClock()).HasNoViolations(Loaded));
    }

    public static TheoryData<string> AcyclicProjects => new(
        new[] { Core, Hosting, Remote, Gateway, Orchestrator, Drone, Cli }.Select(a => a.GetName().Name!));

    [Theory]
    [MemberData(nameof(AcyclicProjects))]
    public void No_folder_cycle_inside_a_project(string project) =>
        Slices().Matching(project + ".(*)").Should().BeFreeOfCycles().Check(Loaded);

    private static TypesShouldConjunction CoreRule(Forbidden condition) =>
        Types().That().ResideInAssembly(Core).Should().FollowCustomCondition(condition.Holds, condition.Description, condition.Failure);

    private static TypesShouldConjunction RoleRule(Assembly assembly, Forbidden condition) =>
        Types().That().ResideInAssembly(assembly).Should().FollowCustomCondition(condition.Holds, condition.Description, condition.Failure);

    private static Forbidden NoFileSystem() => NotUsing(
        "the file system",
        "System.IO.File", "System.IO.Directory", "System.IO.FileInfo", "System.IO.DirectoryInfo",
        "System.IO.FileStream", "System.IO.FileSystemInfo");

    private static Forbidden NoProcessNetworkOrDatabase() => NotUsing(
        "processes, the network or a database",
        "System.Diagnostics.Process", "System.Diagnostics.ProcessStartInfo", "System.Net.Http.HttpClient",
        "System.Net.Sockets.Socket", "System.Net.Sockets.TcpClient", "System.Data.Common.DbConnection",
        "Microsoft.Data.Sqlite.SqliteConnection");

    private static Forbidden NoWallClock() => new(
        type => !type.GetMethodMembers().Any(m => m.GetMethodCallDependencies().Any(c => IsClockRead(c.TargetMember.FullName))),
        "read no wall clock (DateTime.Now/UtcNow, DateTimeOffset.Now/UtcNow; use TimeProvider)",
        "reads the wall clock");

    private static bool IsClockRead(string member) =>
        member.Contains("System.DateTime::get_Now", StringComparison.Ordinal)
        || member.Contains("System.DateTime::get_UtcNow", StringComparison.Ordinal)
        || member.Contains("System.DateTimeOffset::get_Now", StringComparison.Ordinal)
        || member.Contains("System.DateTimeOffset::get_UtcNow", StringComparison.Ordinal);

    private static Forbidden NotUsing(string what, params string[] forbidden) =>
        new(
            type => !type.Dependencies.Any(d => forbidden.Contains(d.Target.FullName, StringComparer.Ordinal)),
            "use no " + what,
            "uses " + what);

    /// <summary>A condition every type of a project must hold, with the words ArchUnit reports.</summary>
    private sealed record Forbidden(Func<IType, bool> Holds, string Description, string Failure);
}
