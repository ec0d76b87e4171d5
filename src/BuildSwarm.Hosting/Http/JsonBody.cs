using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BuildSwarm.Hosting.Http;

/// <summary>Reads a JSON request body, turning every kind of malformed input into a problem naming the field.</summary>
public static class JsonBody
{
    public const long MaxBytes = 64L * 1024 * 1024;

    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"request body is larger than {MaxBytes} bytes"));
        }

        if (request.ContentType is { } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "the request body must be application/json"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken);
            if (value is null)
            {
                return (null, Problems.Invalid("$", "the request body must be a JSON object"));
            }

            return NullElements.Find(value, type) is { } nullAt
                ? (null, Problems.Invalid(nullAt, "null is not allowed here: array elements must not be null"))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path.TrimStart('$', '.');
            return (null, Problems.Invalid(string.IsNullOrEmpty(field) ? "$" : field, $"malformed JSON: {FirstSentence(ex.Message)}"));
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
