namespace BuildSwarm.Core.Portage;

/// <summary>
/// Gives a fresh, empty, seekable read/write stream to spool an archive member through; the stream
/// owns its storage and frees it when disposed. Core never creates files: callers that handle large
/// packages pass a temporary-file spool (<c>BuildSwarm.Hosting.Portage.TempSpool</c>).
/// </summary>
public delegate Stream SpoolFactory();

public static class Spools
{
    /// <summary>Spools in memory: fine for small packages and tests.</summary>
    public static SpoolFactory InMemory { get; } = () => new MemoryStream();
}
