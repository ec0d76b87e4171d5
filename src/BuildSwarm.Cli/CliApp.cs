using System.CommandLine;
using System.CommandLine.Parsing;

using BuildSwarm.Cli.Push;

namespace BuildSwarm.Cli;

/// <summary>The <c>build-swarm</c> command line. Exit codes: 0 ok, 1 failure, 2 usage.</summary>
public static class CliApp
{
    /// <summary>Runs the command line; <paramref name="roleCommands"/> (<c>up</c>, <c>gateway</c>, ...) come from the executable, which knows the roles.</summary>
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<Command> roleCommands)
    {
        var root = new RootCommand("BuildSwarm: a distributed build farm for Gentoo that serves its results as a binhost");
        foreach (var command in roleCommands)
        {
            root.Subcommands.Add(command);
        }

        foreach (var command in (Command[])[
            SubmitCommand.Create(),
            PlanCommand.Create(),
            StatusCommand.Create(),
            BuildsCommand.Create(),
            JobsCommand.Create(),
            SwarmCommand.Create(),
            SimulateCommand.Create(),
            LogsCommand.Create(),
            BinhostCommand.Create(),
            TokenCommand.Create(),
            DronesCommandGroup.Create(),
            AuditCommand.Create(),
            PushCommand.Create(),
        ])
        {
            root.Subcommands.Add(command);
        }

        // An unknown first word is the one error worth telling, not "Required command was not provided".
        if (args is [var first, ..] && !first.StartsWith('-') && !root.Subcommands.Any(c => c.Name == first || c.Aliases.Contains(first)))
        {
            Output.Error($"unknown command '{first}'; see 'build-swarm --help'");
            return 2;
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line naming the command: "build-swarm: drones drain: Required argument missing ... (see 'build-swarm drones drain --help')".
            var path = new List<string>();
            for (var result = parse.CommandResult; result.Command is not RootCommand; result = (CommandResult)result.Parent!)
            {
                path.Insert(0, result.Command.Name);
            }

            var command = string.Join(' ', path);
            var messages = string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')));
            Output.Error(command.Length == 0 ? $"{messages} (see 'build-swarm --help')" : $"{command}: {messages} (see 'build-swarm {command} --help')");
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
        catch (Hosting.ListenerSettingsException ex)
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
