using System.Text.Json;
using System.Text.Json.Serialization;

namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>Source-generated JSON for the simulator's input files and its report.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(SimulationGraph))]
[JsonSerializable(typeof(SimulationFleet))]
[JsonSerializable(typeof(IReadOnlyList<SimulationResult>))]
public sealed partial class SimulationJsonContext : JsonSerializerContext;
