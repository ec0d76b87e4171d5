using System.Collections;
using System.Text.Json.Serialization.Metadata;

namespace BuildSwarm.Hosting.Http;

/// <summary>
/// Finds a null element in any array of a deserialized request body. No request contract has nullable
/// elements, so a null there is always a client error, caught here once for every body instead of per field.
/// </summary>
public static class NullElements
{
    private const int MaxDepth = 64;

    /// <summary>The JSON path of the first null array element (e.g. <c>held[0]</c>), or null when there is none.</summary>
    public static string? Find(object value, JsonTypeInfo type) => Find(value, type, "", depth: 0);

    private static string? Find(object value, JsonTypeInfo type, string path, int depth)
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
                    if (property.Get?.Invoke(value) is { } child
                        && Info(type, property.PropertyType) is { } childType
                        && Find(child, childType, path.Length == 0 ? property.Name : $"{path}.{property.Name}", depth + 1) is { } found)
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
                        return entryPath;
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
                        return itemPath;
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

    private static JsonTypeInfo? Info(JsonTypeInfo parent, Type? type) =>
        type is not null && parent.Options.TryGetTypeInfo(type, out var info) ? info : null;
}
