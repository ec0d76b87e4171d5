using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace BuildSwarm.Hosting.Http;

/// <summary>Reads a JSON request body, turning every kind of malformed input into a problem naming the field.</summary>
public static partial class JsonBody
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
                ? (null, Problems.Invalid(nullAt.Path, nullAt.Message))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) ? "" : ex.Path.TrimStart('$', '.');
            if (MissingProperty().Match(ex.Message) is { Success: true } missing)
            {
                // "missing required properties including: 'leaseIds'": name the field, as for a null one.
                var name = missing.Groups[1].Value;
                return (null, Problems.Invalid(field.Length == 0 ? name : $"{field}.{name}", NullElements.FieldMessage));
            }

            return (null, Problems.Invalid(field.Length == 0 ? "$" : field, $"malformed JSON: {FirstSentence(ex.Message)}"));
        }
    }

    [GeneratedRegex("missing required properties including: '([^']+)'")]
    private static partial Regex MissingProperty();

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
