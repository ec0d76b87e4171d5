using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Drone;

/// <summary>
/// The credential the gateway gave this drone when it first admitted it, kept (mode 0600) in the work
/// directory so that a restart registers without the join token.
/// </summary>
public static class DroneCredential
{
    public static string PathIn(string workDir) => Path.Combine(workDir, "credential");

    public static string? Load(string workDir)
    {
        var path = PathIn(workDir);
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } credential ? credential : null;
    }

    public static void Save(string workDir, string credential)
    {
        SecretFile.Write(PathIn(workDir), credential, overwrite: true);
    }
}
