using System.Collections;
using System.Text.Json.Serialization.Metadata;

namespace BuildSwarm.Hosting.Http;

/// <summary>
/// Finds a null where a deserialized request body may not have one: an array element (no request contract has
/// nullable elements) or a field whose type is not nullable (<c>"leaseIds": null</c>, a missing required object).
/// A null there is always a client error, caught here once for every body instead of per field.
/// </summary>
public static class NullElements
{
    public const string ElementMessage = "null is not allowed here: array elements must not be null";

    public const string FieldMessage = "null is not allowed here: the field is required";

    private const int MaxDepth = 64;

    /// <summary>The JSON path of the first forbidden null (e.g. <c>held[0]</c>, <c>leaseIds</c>) and why, or null when there is none.</summary>
    public static (string Path, string Message)? Find(object value, JsonTypeInfo type)
    {
        var found = Find(value, type, "", depth: 0);
        return found is { } hit ? (hit.Path, hit.Field ? FieldMessage : ElementMessage) : null;
    }

    private static Hit? Find(object value, JsonTypeInfo type, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in type.Properties)
                {
                    var propertyPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    var child = property.Get?.Invoke(value);
                    if (child is null && property.Get is not null && IsRequired(property))
                    {
                        return new Hit(propertyPath, Field: true);
                    }

                    if (child is not null
                        && Info(type, property.PropertyType) is { } childType
                        && Find(child, childType, propertyPath, depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonTypeInfoKind.Dictionary when value is IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var entryPath = path.Length == 0 ? $"{entry.Key}" : $"{path}.{entry.Key}";
                    if (entry.Value is null && type.ElementType is { IsValueType: false })
                    {
                        return new Hit(entryPath, Field: false);
                    }

                    if (entry.Value is { } item && Info(type, type.ElementType) is { } itemType && Find(item, itemType, entryPath, depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonTypeInfoKind.Enumerable when value is IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    var itemPath = $"{path}[{index++}]";
                    if (item is null)
                    {
                        return new Hit(itemPath, Field: false);
                    }

                    if (Info(type, type.ElementType) is { } itemType && Find(item, itemType, itemPath, depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>A reference-typed property its contract declares non-nullable (nullable annotations of the record).</summary>
    private static bool IsRequired(JsonPropertyInfo property) =>
        !property.PropertyType.IsValueType
        && !property.IsGetNullable
        && property.AssociatedParameter is not { IsNullable: true };

    private static JsonTypeInfo? Info(JsonTypeInfo parent, Type? type) =>
        type is not null && parent.Options.TryGetTypeInfo(type, out var info) ? info : null;

    /// <summary>Where the null is; <c>Field</c> when it is a required field rather than an array element.</summary>
    private readonly record struct Hit(string Path, bool Field);
}
