using System.CommandLine;

namespace BuildSwarm.Cli;

/// <summary><c>jobs retry|unblock</c>: steer one job of the queue.</summary>
internal static class JobsCommand
{
    public static Command Create()
    {
        var command = new Command("jobs", "One job of the queue: retry it, or let a blocked one build without what blocks it");
        command.Subcommands.Add(QueueAction.Create("retry", "Retry a failed, stuck, broken or cancelled job with fresh attempts; the jobs it blocked wait for it again", "job", id => $"api/gateway/jobs/{id}/retry"));
        command.Subcommands.Add(QueueAction.Create("unblock", "Let a blocked job build without its broken, blocked or cancelled dependencies", "job", id => $"api/gateway/jobs/{id}/unblock"));
        return command;
    }
}
