using BuildSwarm.Core.Contracts;
namespace BuildSwarm.Gateway.Remote;

/// <summary>Where remote-control and self-healing steps are reported; an events/SSE sink can implement it too.</summary>
public interface IControlEvents
{
    void Record(ControlEvent controlEvent);
}
