using System.Globalization;
using System.Runtime.CompilerServices;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BuildSwarm.Cli;

/// <summary>The CLI's output layer: the only place that writes to the console directly.</summary>
public static class Output
{
    private static readonly Lazy<IAnsiConsole> Terminal = new(CreateConsole);

    // The plain text of each table's header and cells, so Fit can cut them to the column width.
    private static readonly ConditionalWeakTable<Table, List<string[]>> Texts = [];

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

        Texts.Add(table, [headers]);
        return table;
    }

    /// <summary>Adds a row of plain text (no markup) to a table from <see cref="Table"/>.</summary>
    public static Table Row(this Table table, params string?[] cells)
    {
        var texts = cells.Select(c => (c ?? "").ReplaceLineEndings(" ")).ToArray();
        table.AddRow(texts.Select(c => (IRenderable)Cell(c)));
        if (Texts.TryGetValue(table, out var rows))
        {
            rows.Add(texts);
        }

        return table;
    }

    public static void Write(IRenderable renderable)
    {
        if (renderable is Table table && Texts.TryGetValue(table, out var texts))
        {
            Fit(table, texts, Terminal.Value.Profile.Width);
        }

        Terminal.Value.Write(renderable);
    }

    /// <summary>
    /// Gives each column its widest cell, then takes from the widest columns until the table fits: short
    /// columns (states, counts) stay whole, long ones (addresses, reasons) end in an ellipsis.
    /// </summary>
    private static void Fit(Table table, List<string[]> texts, int width)
    {
        var columns = table.Columns.Count;
        var widths = Enumerable.Range(0, columns).Select(c => texts.Max(row => c < row.Length ? row[c].Length : 0)).ToArray();
        var floors = widths.Select(w => Math.Min(w, 4)).ToArray();
        var available = width - (columns + 1) - (2 * columns); // borders, then one space of padding each side
        while (widths.Sum() > available)
        {
            var widest = Array.IndexOf(widths, widths.Max());
            if (widths[widest] <= floors[widest])
            {
                break;
            }

            widths[widest]--;
        }

        for (var c = 0; c < columns; c++)
        {
            table.Columns[c].Width = Math.Max(1, widths[c]);
            table.Columns[c].Header = Cell(Cut(texts[0][c], widths[c]));
            for (var r = 1; r < texts.Count; r++)
            {
                if (c < texts[r].Length && texts[r][c].Length > widths[c])
                {
                    table.Rows.Update(r - 1, c, Cell(Cut(texts[r][c], widths[c])));
                }
            }
        }
    }

    /// <summary>The text whole if it fits, else as much as fits and an ellipsis: one line, never wrapped.</summary>
    private static string Cut(string text, int width) => text.Length <= width ? text : text[..Math.Max(0, width - 1)] + "…";

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
