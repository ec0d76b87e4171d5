using System.Text.RegularExpressions;

namespace BuildSwarm.Core.Portage;

/// <summary>
/// The failure Portage's <c>die</c> reports (bin/isolated-functions.sh):
/// <c> * ERROR: sys-libs/zlib-1.3.1::gentoo failed (compile phase):</c> followed by <c> *   message</c>.
/// </summary>
public sealed partial record EbuildFailure(string Package, string? Phase, string? Message)
{
    /// <summary>The last such report in <paramref name="log"/>, or null when the log has none.</summary>
    public static EbuildFailure? FindLast(string log)
    {
        var lines = log.Split('\n');
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            var match = ErrorLine().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            // The message is the next eerror line; stdout and stderr reach the log through separate pipes,
            // so a line of build output may land in between.
            var message = lines.Skip(i + 1).Take(5).Select(l => MessageLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups["message"].Value.Trim();

            var phase = match.Groups["phase"].Success ? match.Groups["phase"].Value : null;
            return new EbuildFailure(match.Groups["pkg"].Value, phase, string.IsNullOrEmpty(message) ? null : message);
        }

        return null;
    }

    public override string ToString() =>
        $"{Package} failed{(Phase is null ? "" : $" in the {Phase} phase")}{(Message is null ? "" : $": {Message}")}";

    [GeneratedRegex(@"ERROR: (?<pkg>\S+) failed(?: \((?<phase>[a-z_]+) phase\))?:\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"^\s*\*\s{2,}(?<message>\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex MessageLine();
}
