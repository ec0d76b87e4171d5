using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>Runs the <c>build-swarm</c> CLI as an operator would, optionally inside a network namespace.</summary>
internal static class CliRun
{
    public static async Task<(int Code, string Output)> RunAsync(string? networkNamespace, params string[] args)
    {
        await using var cli = SwarmProcess.Start("cli", args, networkNamespace: networkNamespace);
        var code = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));
        return (code, cli.Output);
    }

    public static async Task<string> OkAsync(string? networkNamespace, params string[] args)
    {
        var (code, output) = await RunAsync(networkNamespace, args);
        Assert.True(code == 0, $"build-swarm {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }
}
