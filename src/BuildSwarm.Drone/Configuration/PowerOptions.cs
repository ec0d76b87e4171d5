namespace BuildSwarm.Drone.Configuration;

/// <summary>How a drone tells its power draw (section <c>Drone:Power</c>).</summary>
public sealed class PowerOptions
{
    /// <summary>Where the RAPL counters are; read when readable, else the estimate below is used.</summary>
    public string RaplPath { get; set; } = "/sys/class/powercap";

    /// <summary>Watts of this machine at idle, for the estimate.</summary>
    public double IdleWatts { get; set; } = 20;

    /// <summary>Watts of this machine with every core busy, for the estimate.</summary>
    public double LoadWatts { get; set; } = 100;

    /// <summary>False turns power reporting off.</summary>
    public bool Enabled { get; set; } = true;
}
