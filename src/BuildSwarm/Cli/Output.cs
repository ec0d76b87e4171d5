namespace BuildSwarm.Cli;

/// <summary>The CLI's output layer: the only place that writes to the console directly.</summary>
internal static class Output
{
    public static void Line(string text) => Console.Out.WriteLine(text);

    public static void Error(string text) => Console.Error.WriteLine($"build-swarm: {text}");
}
