using BuildSwarm.Core.Scheduling;

namespace BuildSwarm.Core.Tests.Scheduling;

public sealed class DroneSlotsTests
{
    [Theory]
    [InlineData(16, 65536, 4)]
    [InlineData(8, 0, 2)]
    [InlineData(14, 32768, 3)]
    [InlineData(20, 65536, 5)]
    [InlineData(32, 4096, 2)]
    [InlineData(2, 1024, 1)]
    public void One_slot_per_four_cores_unless_memory_is_short(int cores, long ramMb, int expected)
    {
        Assert.Equal(expected, DroneSlots.Compute(cores, ramMb));
    }

    [Fact]
    public void A_configured_value_wins()
    {
        Assert.Equal(7, DroneSlots.Compute(4, 1024, configuredSlots: 7));
        Assert.Equal(1, DroneSlots.Compute(4, 1024, configuredSlots: 0));
    }

    [Fact]
    public void Per_job_needs_are_configurable()
    {
        Assert.Equal(8, DroneSlots.Compute(16, 65536, coresPerJob: 2));
        Assert.Equal(4, DroneSlots.Compute(16, 16384, memoryPerJobMb: 4096, coresPerJob: 1));
    }
}
