namespace BuildSwarm.Cli;

/// <summary>The CLI's output layer: the only place that writes to the console directly.</summary>
public static class Output
{
    public static void Line(string text) => Console.Out.WriteLine(text);

    /// <summary>Text as it is, without adding a line end (streamed logs).</summary>
    public static void Text(string text)
    {
        Console.Out.Write(text);
        Console.Out.Flush();
    }

    /// <summary>Output goes to a pipe or file, not a terminal: nothing there can redraw a screen.</summary>
    public static bool IsPiped => Console.IsOutputRedirected;

    public static void Error(string text) => Console.Error.WriteLine($"build-swarm: {text}");
}
