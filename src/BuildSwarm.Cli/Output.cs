using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BuildSwarm.Cli;

/// <summary>The CLI's output layer: the only place that writes to the console directly.</summary>
public static class Output
{
    private static readonly Lazy<IAnsiConsole> Terminal = new(CreateConsole);

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

    /// <summary>
    /// A table whose cells never wrap: a cell too wide for the terminal ends in an ellipsis instead of
    /// being broken into fragments over several lines. Fill it with <see cref="Row"/>.
    /// </summary>
    public static Table Table(params string[] headers)
    {
        var table = new Table();
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Cell(header)).NoWrap());
        }

        return table;
    }

    /// <summary>Adds a row of plain text (no markup) to a table from <see cref="Table"/>.</summary>
    public static Table Row(this Table table, params string?[] cells)
    {
        table.AddRow(cells.Select(c => (IRenderable)Cell(c ?? "")));
        return table;
    }

    public static void Write(IRenderable renderable) => Terminal.Value.Write(renderable);

    public static void Markup(string markup) => Terminal.Value.MarkupLine(markup);

    private static Text Cell(string text) => new(text) { Overflow = Overflow.Ellipsis };

    /// <summary>The console Spectre renders to: <c>$COLUMNS</c> wide when set, 80 when piped, else the terminal's width.</summary>
    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Console;
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns is >= 20 and <= 1000)
        {
            console.Profile.Width = columns;
        }
        else if (IsPiped)
        {
            console.Profile.Width = 80;
        }

        return console;
    }
}
