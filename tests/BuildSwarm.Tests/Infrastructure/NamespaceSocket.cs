using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>
/// Creates a TCP socket inside a network namespace the test made, from the test process itself: a socket
/// belongs to the namespace its creating thread was in, so a short-lived thread enters the namespace
/// (<c>setns</c>), creates the socket and ends. The socket then works from any thread; the test's own
/// threads never leave the root namespace.
/// </summary>
public static partial class NamespaceSocket
{
    private const int CloneNewNet = 0x40000000;

    public static Socket Create(string? networkNamespace, AddressFamily family = AddressFamily.InterNetwork)
    {
        if (networkNamespace is null)
        {
            return new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        }

        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/var/run/netns", networkNamespace));
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new IOException($"setns into '{networkNamespace}' failed (errno {Marshal.GetLastPInvokeError()})");
                }

                socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (Exception ex)
            {
                error = ex;
            }
        })
        { IsBackground = true, Name = $"netns {networkNamespace}" };
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"no socket in namespace '{networkNamespace}'", error);
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
