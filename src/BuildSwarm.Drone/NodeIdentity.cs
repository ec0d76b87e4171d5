using System.Security.Cryptography;

namespace BuildSwarm.Drone;

/// <summary>The drone's persistent node id, created once and kept in its work directory.</summary>
public static class NodeIdentity
{
    public static string LoadOrCreate(string workDir)
    {
        var path = Path.Combine(workDir, "node-id");
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0)
            {
                return existing;
            }
        }

        Directory.CreateDirectory(workDir);
        var id = "d-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(path + ".tmp", id + "\n");
        File.Move(path + ".tmp", path, overwrite: true);
        return id;
    }
}
