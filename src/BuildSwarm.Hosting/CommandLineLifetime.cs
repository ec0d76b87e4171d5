namespace BuildSwarm.Hosting;

/// <summary>
/// Leaves SIGTERM and Ctrl+C to the command line, which cancels the command and stops every host of the
/// process in order. The default console lifetime swallows SIGTERM per host, so `up` (several hosts in one
/// process) never stopped under systemd or `kill`.
/// </summary>
public sealed class CommandLineLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
