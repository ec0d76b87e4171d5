using System.Text.Json;

namespace BuildSwarm.Hosting.Http;

/// <summary>What a refusing server said: the problem-details (RFC 9457) title and detail when it sent them, and the raw body.</summary>
public sealed record ProblemAnswer(int Status, string? Title, string? Detail, string Body)
{
    /// <summary>The detail, else the body cut to 500 characters: one line an operator can read.</summary>
    public string Text => Detail ?? (Body.Length > 500 ? Body[..500] : Body);
}

/// <summary>Reads problem-details answers; every client of our HTTP APIs goes through here.</summary>
public static class ProblemText
{
    public static async Task<ProblemAnswer> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? title = null, detail = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = json.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                detail = json.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            }
        }
        catch (JsonException)
        {
        }

        return new ProblemAnswer((int)response.StatusCode, title, detail, body);
    }

    /// <summary>The <c>detail</c> of a problem-details answer, else the raw body.</summary>
    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await ReadProblemAsync(response, cancellationToken)).Text;
}
