using System.Diagnostics;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Drone.Configuration;

namespace BuildSwarm.Drone.Control;

/// <summary>
/// The drone's side of the drone channel: runs control orders its orchestrator hands it, after checking
/// the order names this drone's node id.
/// </summary>
public sealed partial class DroneControl(DroneOptions options, ILogger<DroneControl> logger)
{
    /// <summary>Exit code for <c>restart</c>: the service manager (Restart=always, supervise-daemon) starts the drone again.</summary>
    public const int RestartExitCode = 75;

    public void Execute(ControlOrder order, string nodeId)
    {
        if (!string.Equals(order.NodeId, nodeId, StringComparison.Ordinal))
        {
            LogWrongNode(order.Action, order.NodeId, nodeId);
            return;
        }

        switch (order.Action)
        {
            case "restart" when !options.ExitOnRestart:
                LogRestartIgnored(order.Id);
                break;
            case "restart":
                LogRestarting(order.Id);
                // Leases in flight expire and their jobs return to the queue, as after a crash.
                Environment.Exit(RestartExitCode);
                break;
            case "reboot":
                LogRebooting(order.Id, options.RebootCommand);
                using (Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", options.RebootCommand } }))
                {
                }

                break;
            default:
                LogUnknown(order.Action);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring a {Action} order for node {OrderNode}: this drone is node {NodeId}")]
    private partial void LogWrongNode(string action, string orderNode, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restart ordered ({OrderId}): exiting so the service manager starts the drone again")]
    private partial void LogRestarting(string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restart ordered ({OrderId}) but ignored: this drone shares its process with other roles (Drone:ExitOnRestart is off)")]
    private partial void LogRestartIgnored(string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reboot ordered ({OrderId}): running {Command}")]
    private partial void LogRebooting(string orderId, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring unknown control action {Action}")]
    private partial void LogUnknown(string action);
}
