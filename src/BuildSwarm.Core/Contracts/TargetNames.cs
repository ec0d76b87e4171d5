namespace BuildSwarm.Core.Contracts;

/// <summary>What a target name may be, checked the same way by the gateway (submissions) and the orchestrator (drone registrations).</summary>
public static class TargetNames
{
    /// <summary>Targets one drone may declare.</summary>
    public const int MaxPerDrone = 64;

    public static bool IsValid(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
