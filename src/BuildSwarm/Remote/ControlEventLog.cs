using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Remote;

/// <summary>Logs every control step and keeps the most recent ones in memory for <c>GET /api/gateway/alerts</c>.</summary>
public sealed partial class ControlEventLog(ILogger<ControlEventLog> logger) : IControlEvents
{
    private const int Keep = 500;

    private readonly LinkedList<ControlEvent> _events = new();

    public void Record(ControlEvent controlEvent)
    {
        if (controlEvent.Alert)
        {
            LogAlert(controlEvent.Drone, controlEvent.Step, controlEvent.Detail);
        }
        else
        {
            LogStep(controlEvent.Drone, controlEvent.Step, controlEvent.Outcome, controlEvent.Detail);
        }

        lock (_events)
        {
            _events.AddFirst(controlEvent);
            if (_events.Count > Keep)
            {
                _events.RemoveLast();
            }
        }
    }

    /// <summary>Newest first; <paramref name="alertsOnly"/> leaves out the steps that did not end in an alert.</summary>
    public IReadOnlyList<ControlEvent> Recent(bool alertsOnly)
    {
        lock (_events)
        {
            return _events.Where(e => !alertsOnly || e.Alert).ToList();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALERT drone {Drone} ({Step}): {Detail}")]
    private partial void LogAlert(string drone, string step, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Drone}: {Step} {Outcome}: {Detail}")]
    private partial void LogStep(string drone, string step, string outcome, string detail);
}
