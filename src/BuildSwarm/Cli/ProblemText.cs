using System.Text.Json;

namespace BuildSwarm.Cli;

internal static class ProblemText
{
    /// <summary>The <c>detail</c> of a problem-details answer, else the raw body.</summary>
    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
        }

        return body.Length > 500 ? body[..500] : body;
    }
}
