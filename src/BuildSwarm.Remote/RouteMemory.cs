using System.Text.Json;
using System.Text.Json.Serialization;

namespace BuildSwarm.Remote;

/// <summary>
/// Which SSH route last worked for each drone, kept in <c>&lt;data&gt;/remote-routes.json</c> so the next
/// action tries it first instead of waiting out timeouts on routes that are known to be dead.
/// </summary>
public sealed class RouteMemory(string? path, TimeProvider time)
{
    private readonly Lock _lock = new();
    private Dictionary<string, RememberedRoute>? _routes;

    public static string FileIn(string dataDir) => Path.Combine(dataDir, "remote-routes.json");

    public RememberedRoute? Get(string drone)
    {
        lock (_lock)
        {
            return Load().GetValueOrDefault(drone);
        }
    }

    public IReadOnlyDictionary<string, RememberedRoute> All()
    {
        lock (_lock)
        {
            return new Dictionary<string, RememberedRoute>(Load(), StringComparer.Ordinal);
        }
    }

    public void Remember(string drone, RemoteRoute route)
    {
        lock (_lock)
        {
            Load()[drone] = new RememberedRoute(route, time.GetUtcNow());
            Save();
        }
    }

    public void Forget(string drone)
    {
        lock (_lock)
        {
            if (Load().Remove(drone))
            {
                Save();
            }
        }
    }

    private Dictionary<string, RememberedRoute> Load()
    {
        if (_routes is not null)
        {
            return _routes;
        }

        _routes = new Dictionary<string, RememberedRoute>(StringComparer.Ordinal);
        if (path is not null && File.Exists(path))
        {
            try
            {
                var stored = JsonSerializer.Deserialize(File.ReadAllText(path), RemoteJsonContext.Default.DictionaryStringRememberedRoute);
                if (stored is not null)
                {
                    _routes = new Dictionary<string, RememberedRoute>(stored, StringComparer.Ordinal);
                }
            }
            catch (JsonException)
            {
                // A damaged file only costs one round of trying routes in order.
            }
        }

        return _routes;
    }

    private void Save()
    {
        if (path is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_routes!, RemoteJsonContext.Default.DictionaryStringRememberedRoute));
        File.Move(temp, path, overwrite: true);
    }
}

public sealed record RememberedRoute(RemoteRoute Route, DateTimeOffset CheckedAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(Dictionary<string, RememberedRoute>))]
internal sealed partial class RemoteJsonContext : JsonSerializerContext;
