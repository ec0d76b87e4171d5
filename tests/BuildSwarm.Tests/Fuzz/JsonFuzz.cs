using System.Text;
using System.Text.Json.Nodes;

namespace BuildSwarm.Tests.Fuzz;

/// <summary>Hostile variants of a valid JSON body: truncations, flipped bytes, nulls at every position, wrong types, deep nesting, huge strings, invalid UTF-8.</summary>
public static class JsonFuzz
{
    private const string Json = "application/json";

    public static IEnumerable<FuzzRequest> Variants(Random random, string method, string url, string valid, IReadOnlyList<(string, string)> headers, int randomCount)
    {
        var bytes = Encoding.UTF8.GetBytes(valid);
        FuzzRequest Make(string kind, byte[] body, string? type = Json, int slow = 0) => new(kind, method, url, body, type, headers, slow);

        yield return Make("json-valid", bytes);
        for (var i = 0; i < randomCount; i++)
        {
            yield return Make("json-truncated", bytes[..random.Next(0, bytes.Length)]);
            var flipped = (byte[])bytes.Clone();
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
            }

            yield return Make("json-flipped", flipped);
            var garbage = new byte[random.Next(0, 512)];
            random.NextBytes(garbage);
            yield return Make("json-garbage", garbage);
        }

        foreach (var mutated in EveryPosition(valid, _ => null))
        {
            yield return Make("json-null", Encoding.UTF8.GetBytes(mutated));
        }

        foreach (var replacement in new Func<JsonNode?>[] { () => 12345, () => "text", () => true, () => new JsonArray(), () => new JsonObject(), () => -1e300, () => long.MaxValue })
        {
            foreach (var mutated in EveryPosition(valid, _ => replacement()))
            {
                yield return Make("json-type", Encoding.UTF8.GetBytes(mutated));
            }
        }

        foreach (var mutated in EveryPosition(valid, node => node is JsonValue ? new string('x', 2 * 1024 * 1024) : null).Take(2))
        {
            yield return Make("json-huge-string", Encoding.UTF8.GetBytes(mutated));
        }

        yield return Make("json-deep", Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)));
        yield return Make("json-deep", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 20_000)) + "1" + new string('}', 20_000)));
        yield return Make("json-deep", Encoding.UTF8.GetBytes(valid.Insert(1, "\"deep\":" + new string('[', 5_000) + new string(']', 5_000) + ",")));
        yield return Make("json-number", Encoding.UTF8.GetBytes(valid.Replace(":1", ":1e400", StringComparison.Ordinal).Replace(":0", ":99999999999999999999999", StringComparison.Ordinal)));
        yield return Make("json-duplicate", Encoding.UTF8.GetBytes(valid.Insert(valid.Length - 1, "," + valid[1..^1])));
        yield return Make("json-empty", []);
        yield return Make("json-wrong-type", bytes, "text/plain");
        yield return Make("json-no-type", bytes, null);
        yield return Make("json-slow", bytes, Json, slow: 10);
        foreach (var invalid in new byte[][] { [0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00] })
        {
            var at = valid.IndexOf('"', 2) is var quote and > 0 ? Encoding.UTF8.GetByteCount(valid[..quote]) : 1;
            yield return Make("json-utf8", [.. bytes[..at], .. invalid, .. bytes[at..]]);
        }
    }

    /// <summary>The body with each property value and each array element in turn replaced by what <paramref name="replace"/> returns.</summary>
    public static IEnumerable<string> EveryPosition(string valid, Func<JsonNode?, JsonNode?> replace)
    {
        var count = Positions(JsonNode.Parse(valid)).Count();
        for (var i = 0; i < count; i++)
        {
            var root = JsonNode.Parse(valid)!;
            var (parent, key, index) = Positions(root).ElementAt(i);
            if (key is not null)
            {
                parent[key] = replace(parent[key]);
            }
            else
            {
                parent[index] = replace(parent[index]);
            }

            yield return root.ToJsonString();
        }
    }

    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Positions(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    yield return (obj, key, -1);
                    foreach (var inner in Positions(child))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, null, i);
                    foreach (var inner in Positions(array[i]))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }
}
