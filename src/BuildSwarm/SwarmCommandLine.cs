using BuildSwarm.Cli;

namespace BuildSwarm;

/// <summary>The whole <c>build-swarm</c> command line: the roles' commands composed with the operator's CLI.</summary>
public static class SwarmCommandLine
{
    public static Task<int> RunAsync(string[] args) =>
        CliApp.RunAsync(args, [SwarmUp.Create(), RoleCommands.Gateway(), RoleCommands.Orchestrator(), RoleCommands.Drone()]);
}
