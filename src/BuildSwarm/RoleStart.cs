using System.Net;
using System.Net.Sockets;
using BuildSwarm.Cli;
using BuildSwarm.Hosting.Files;
using Microsoft.AspNetCore.Connections;

namespace BuildSwarm;

/// <summary>Starting a role the way a user sees it: a taken port or a locked data directory is one line and exit 1.</summary>
internal static class RoleStart
{
    public static DataDirectoryLock LockDataDirectory(string dataDir)
    {
        try
        {
            return DataDirectoryLock.Acquire(dataDir);
        }
        catch (DataDirectoryInUseException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    public static async Task ListenAsync(IHost app, string listen, CancellationToken ct)
    {
        // Probing first keeps the host from logging its own stack trace for the common case; the catch covers a race.
        ProbePort(listen);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            throw InUse(listen);
        }
        catch (IOException ex) when (ex.Message.StartsWith("Failed to bind", StringComparison.Ordinal))
        {
            throw new CliException($"cannot listen on {listen}: {ex.InnerException?.Message ?? ex.Message}");
        }
    }

    private static void ProbePort(string listen)
    {
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var uri) || !IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            return;
        }

        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, uri.Port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw InUse(listen);
        }
        catch (SocketException ex)
        {
            throw new CliException($"cannot listen on {listen}: {ex.Message}");
        }
    }

    private static CliException InUse(string listen) =>
        new($"cannot listen on {listen}: the address is already in use (another process holds the port)");
}
