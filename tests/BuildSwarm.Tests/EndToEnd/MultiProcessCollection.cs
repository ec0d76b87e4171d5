namespace BuildSwarm.Tests.EndToEnd;

/// <summary>Multi-process tests run one at a time: each starts several servers on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiProcessCollection
{
    public const string Name = "multi-process";
}
