using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Events;
namespace BuildSwarm.Gateway.Remote;

/// <summary>
/// Logs every control step, keeps the most recent ones in memory for <c>GET /api/gateway/alerts</c>, and
/// puts each on the event stream (<c>control.step</c>, <c>control.alert</c>) so the dashboard shows alerts live.
/// </summary>
public sealed partial class ControlEventLog(ILogger<ControlEventLog> logger, IEventSink? events = null) : IControlEvents
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

        if (events is not null)
        {
            // Record is called from synchronous control code; the event is news, its failure is only logged.
            _ = events.PublishAsync(SwarmEvents.Draft(controlEvent.Alert ? "control.alert" : "control.step", drone: controlEvent.Drone,
                    state: controlEvent.Outcome, detail: $"{controlEvent.Step}: {controlEvent.Detail}"))
                .ContinueWith(t => LogPublishFailed(t.Exception!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not put a control step on the event stream")]
    private partial void LogPublishFailed(Exception ex);
}
