using BuildSwarm.Hosting.Network;
using BuildSwarm.Remote;

namespace BuildSwarm.Cli.Push;

/// <summary>The remote-control objects wired by hand, for the CLI (push) where there is no service container.</summary>
public sealed class RemoteKit
{
    public RemoteKit(RemoteOptions options, string? routeFile, ILoggerFactory logs, TimeProvider? time = null)
    {
        Shell = new SshShell(options);
        Routes = new RouteFinder(options, Shell, new RouteMemory(routeFile, time ?? TimeProvider.System), LocalAddresses.Current, logs.CreateLogger<RouteFinder>());
        Control = new RemoteControl(options, Routes, Shell, LocalAddresses.Current, logs.CreateLogger<RemoteControl>());
        Push = new PushRunner(Control, logs.CreateLogger<PushRunner>());
    }

    public SshShell Shell { get; }

    public RouteFinder Routes { get; }

    public RemoteControl Control { get; }

    public PushRunner Push { get; }
}
