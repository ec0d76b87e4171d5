namespace Dispatch;

/// <summary>The binhost's <c>Packages</c> index must list every package of the run exactly once, and nothing else.</summary>
internal static class IndexCheck
{
    public static async Task VerifyAsync(HttpClient http, string gatewayUrl, IReadOnlyCollection<string> expected, CancellationToken cancellationToken)
    {
        var index = await http.GetStringAsync($"{gatewayUrl}/binhost/Packages", cancellationToken);
        var listed = index.Split('\n')
            .Where(line => line.StartsWith("CPV: ", StringComparison.Ordinal))
            .Select(line => line[5..].Trim())
            .GroupBy(cpv => cpv, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var missing = expected.Where(cpv => !listed.ContainsKey(cpv)).ToList();
        var twice = listed.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
        var unexpected = listed.Keys.Except(expected, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || twice.Count > 0 || unexpected.Count > 0)
        {
            throw new InvalidOperationException($"index check failed: {missing.Count} missing (e.g. {string.Join(", ", missing.Take(3))}), "
                + $"{twice.Count} listed more than once (e.g. {string.Join(", ", twice.Take(3))}), {unexpected.Count} not submitted");
        }
    }
}
