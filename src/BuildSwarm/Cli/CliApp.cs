using System.CommandLine;

namespace BuildSwarm.Cli;

/// <summary>The <c>build-swarm</c> command line. Exit codes: 0 ok, 1 failure, 2 usage.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("BuildSwarm: a distributed build farm for Gentoo that serves its results as a binhost")
        {
            SwarmUp.Create(),
            RoleCommands.Gateway(),
            RoleCommands.Orchestrator(),
            RoleCommands.Drone(),
            SubmitCommand.Create(),
            PlanCommand.Create(),
            StatusCommand.Create(),
            SimulateCommand.Create(),
            LogsCommand.Create(),
            BinhostCommand.Create(),
            TokenCommand.Create(),
            DronesCommandGroup.Create(),
            PushCommand.Create(),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Output.Error(error.Message);
            }

            Output.Error("see 'build-swarm --help'");
            return 2;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            Output.Error(ex.Message);
            return 2;
        }
        catch (CliException ex)
        {
            Output.Error(ex.Message);
            return 1;
        }
        catch (HttpRequestException ex)
        {
            Output.Error($"request failed: {ex.Message}");
            return 1;
        }
    }
}
