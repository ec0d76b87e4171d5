namespace BuildSwarm.Hosting.Files;

/// <summary>
/// An exclusive OS lock on <c>&lt;data&gt;/swarm.lock</c> (FileShare.None, which .NET takes with flock on Linux),
/// so two gateways never share one data directory. The kernel drops the lock when the process exits, even on kill -9.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "swarm.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or throws <see cref="DataDirectoryInUseException"/> when another process holds it.</summary>
    public static DataDirectoryLock Acquire(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, FileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new DataDirectoryInUseException(
                $"data directory {dataDir} is in use by another build-swarm process (it holds {path}); stop that one or choose another --data");
        }

        file.SetLength(0);
        using (var writer = new StreamWriter(file, leaveOpen: true))
        {
            writer.WriteLine(Environment.ProcessId);
        }

        file.Flush();
        return new DataDirectoryLock(file);
    }

    public void Dispose() => _file.Dispose();
}

public sealed class DataDirectoryInUseException(string message) : IOException(message);
