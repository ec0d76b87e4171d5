using System.Text.Json.Serialization;

namespace BuildSwarm.Core.Scheduling;

[JsonConverter(typeof(JsonStringEnumConverter<DroneRole>))]
public enum DroneRole
{
    /// <summary>Builds ready jobs; never gets a stuck one.</summary>
    [JsonStringEnumMemberName("normal")] Normal,

    /// <summary>Builds only stuck jobs, one at a time, as the last resort before a job is broken.</summary>
    [JsonStringEnumMemberName("sweeper")] Sweeper,
}
