using System.Text.Json.Serialization;
namespace BuildSwarm.Gateway.Binhost;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class BinhostJsonContext : JsonSerializerContext;
