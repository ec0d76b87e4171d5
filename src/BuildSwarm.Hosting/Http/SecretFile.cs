using System.Text;

namespace BuildSwarm.Hosting.Http;

/// <summary>Tokens and credentials on disk: mode 0600 from creation, fsynced, renamed into place.</summary>
public static class SecretFile
{
    public static void Write(string path, string secret, bool overwrite)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            file.Write(Encoding.UTF8.GetBytes(secret + "\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite);
    }
}
