using System.Text.Json.Serialization;

namespace BuildSwarm.Gateway.Logs;

/// <summary>One SSE message of a followed log; <see cref="End"/> is the job's final state on the last one.</summary>
public sealed record LogChunk(long Offset, string Text, string? End);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LogChunk))]
public sealed partial class LogJsonContext : JsonSerializerContext;
