using System.Text.Json.Serialization;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Gateway.Storage;

namespace BuildSwarm.Gateway.Logs;

/// <summary>What a log reader needs to know of the job: whether more can come.</summary>
public sealed record JobLogInfo(JobState State, string? LogTail, DateTimeOffset UpdatedAt)
{
    public static Task<JobLogInfo?> GetAsync(SwarmDatabase db, long jobId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = SwarmDatabase.Command(connection, null, "SELECT state, log_tail, updated_at FROM jobs WHERE id = $id", ("$id", jobId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new JobLogInfo(JobStates.FromWire(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
                : null;
        }, cancellationToken);
}

/// <summary>One SSE message of a followed log; <see cref="End"/> is the job's final state on the last one.</summary>
public sealed record LogChunk(long Offset, string Text, string? End);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LogChunk))]
public sealed partial class LogJsonContext : JsonSerializerContext;
