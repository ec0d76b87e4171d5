using System.Text.Json.Serialization;

namespace BuildSwarm.Core.Jobs;

/// <summary>The life of one package build; see docs/architecture.md for the transitions.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    [JsonStringEnumMemberName("waiting")] Waiting,
    [JsonStringEnumMemberName("ready")] Ready,
    [JsonStringEnumMemberName("leased")] Leased,
    [JsonStringEnumMemberName("building")] Building,
    [JsonStringEnumMemberName("uploading")] Uploading,
    [JsonStringEnumMemberName("done")] Done,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("stuck")] Stuck,
    [JsonStringEnumMemberName("broken")] Broken,
    [JsonStringEnumMemberName("blocked")] Blocked,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

public static class JobStates
{
    public static string ToWire(this JobState state) => state.ToString().ToLowerInvariant();

    public static JobState FromWire(string value) =>
        Enum.TryParse<JobState>(value, ignoreCase: true, out var state)
            ? state
            : throw new FormatException($"unknown job state '{value}'");

    /// <summary>States in which a drone holds the job under a lease.</summary>
    public static bool IsLeased(this JobState state) =>
        state is JobState.Leased or JobState.Building or JobState.Uploading;

    /// <summary>
    /// States from which the job never moves again. <c>failed</c> is not one: it waits to be retried on
    /// another drone; <c>stuck</c> waits for a sweeper.
    /// </summary>
    public static bool IsFinal(this JobState state) =>
        state is JobState.Done or JobState.Broken or JobState.Blocked or JobState.Cancelled;
}
