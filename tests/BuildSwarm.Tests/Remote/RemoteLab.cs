using BuildSwarm.Cli.Push;
using BuildSwarm.Remote;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BuildSwarm.Tests.Remote;

/// <summary>
/// The machines the remote tests talk to, built once per run:
/// <code>
/// tests ── direct
///       ├─ jumpA ── inner1
///       │       └─ jumpB ── inner2
///       ├─ p1, p2, p3 (push)
///       └─ sick (self-healing)
/// </code>
/// inner1 and inner2 have no route from the tests' namespace: only ProxyJump reaches them.
/// </summary>
public sealed class RemoteLab : IAsyncLifetime
{
    private NetnsLab? _lab;

    public NetnsLab Lab => _lab ?? throw new InvalidOperationException("lab not started");

    public SshNode Direct { get; private set; } = null!;

    public string DirectAddress { get; private set; } = "";

    /// <summary>The tests' own end of the link to <see cref="Direct"/>: an address of the controller itself.</summary>
    public string ControllerAddress { get; private set; } = "";

    public SshNode JumpA { get; private set; } = null!;

    public string JumpAAddress { get; private set; } = "";

    public SshNode Inner1 { get; private set; } = null!;

    public string Inner1Address { get; private set; } = "";

    public SshNode JumpB { get; private set; } = null!;

    /// <summary>jumpB's address as jumpA sees it.</summary>
    public string JumpBAddress { get; private set; } = "";

    public SshNode Inner2 { get; private set; } = null!;

    public string Inner2Address { get; private set; } = "";

    public IReadOnlyList<(SshNode Node, string Address)> PushNodes { get; private set; } = [];

    public SshNode Sick { get; private set; } = null!;

    public string SickAddress { get; private set; } = "";

    /// <summary>An address inside the lab's range that nothing answers (no route): fails at once.</summary>
    public string DeadAddress => $"10.{Lab.Octet}.250.2";

    public async ValueTask InitializeAsync()
    {
        if (!NetnsLab.Available())
        {
            return;
        }

        _lab = new NetnsLab();
        Direct = Lab.AddNode("direct");
        (ControllerAddress, DirectAddress) = Lab.LinkToRoot(Direct);
        JumpA = Lab.AddNode("jumpa");
        (_, JumpAAddress) = Lab.LinkToRoot(JumpA);
        Inner1 = Lab.AddNode("inner1");
        (_, Inner1Address) = Lab.Link(JumpA, Inner1);
        JumpB = Lab.AddNode("jumpb");
        (_, JumpBAddress) = Lab.Link(JumpA, JumpB);
        Inner2 = Lab.AddNode("inner2");
        (_, Inner2Address) = Lab.Link(JumpB, Inner2);
        var push = new List<(SshNode, string)>();
        foreach (var name in new[] { "p1", "p2", "p3" })
        {
            var node = Lab.AddNode(name);
            push.Add((node, Lab.LinkToRoot(node).Node));
        }

        PushNodes = push;
        Sick = Lab.AddNode("sick");
        (_, SickAddress) = Lab.LinkToRoot(Sick);

        SshNode[] all = [Direct, JumpA, Inner1, JumpB, Inner2, Sick, .. push.Select(p => p.Item1)];
        foreach (var node in all)
        {
            node.Start();
        }

        foreach (var node in all)
        {
            await node.WaitReadyAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        _lab?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Remote settings for the lab: every path is relative to the answering node's own directory.</summary>
    public RemoteOptions Options(Action<RemoteOptions>? configure = null)
    {
        var options = new RemoteOptions
        {
            SshConfigFile = Lab.SshConfig,
            ConnectTimeoutSeconds = 3,
            WorkDir = "$BUILDSWARM_NODE_DIR/work",
            InstallDir = "$BUILDSWARM_NODE_DIR/opt",
            RebootCommand = "\"$BUILDSWARM_NODE_DIR/reboot\"",
            HealthTimeoutSeconds = 3,
        };
        configure?.Invoke(options);
        return options;
    }

    public static RemoteHostOptions ScriptedService(string? address = null, string? kind = null) =>
        new() { Address = address, Kind = kind, ServiceCommand = "\"$BUILDSWARM_NODE_DIR/service\"" };

    public static RemoteKit Kit(RemoteOptions options, string? routeFile = null, TimeProvider? time = null) =>
        new(options, routeFile, NullLoggerFactory.Instance, time);

    public void SkipUnlessAvailable() =>
        Assert.SkipUnless(_lab is not null, "needs root, iproute2, openssh-server and rsync (test.sh installs them)");
}

[CollectionDefinition(Name)]
public sealed class RemoteLabCollection : ICollectionFixture<RemoteLab>
{
    public const string Name = "remote lab (network namespaces)";
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
