using System.Text.Json;
using System.Text.Json.Serialization;

namespace BuildSwarm.Core.Contracts;

/// <summary>Source-generated JSON for every message that crosses a role boundary.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SubmitBuildRequest))]
[JsonSerializable(typeof(SubmitBuildResponse))]
[JsonSerializable(typeof(BuildView))]
[JsonSerializable(typeof(IReadOnlyList<BuildSummary>))]
[JsonSerializable(typeof(OrchestratorRegistration))]
[JsonSerializable(typeof(OrchestratorRegistered))]
[JsonSerializable(typeof(OrchestratorSync))]
[JsonSerializable(typeof(DroneRegistration))]
[JsonSerializable(typeof(DroneRegistered))]
[JsonSerializable(typeof(DroneHeartbeat))]
[JsonSerializable(typeof(DroneHeartbeatReply))]
[JsonSerializable(typeof(SwarmStatus))]
[JsonSerializable(typeof(LeaseRequest))]
[JsonSerializable(typeof(LeaseReply))]
[JsonSerializable(typeof(JobLease))]
[JsonSerializable(typeof(LeaseRenewal))]
[JsonSerializable(typeof(LeaseRenewalReply))]
[JsonSerializable(typeof(JobProgress))]
[JsonSerializable(typeof(JobFailure))]
[JsonSerializable(typeof(UploadAccepted))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(ControlCommand))]
[JsonSerializable(typeof(ControlResult))]
[JsonSerializable(typeof(ControlDelivery))]
[JsonSerializable(typeof(ControlDelivered))]
[JsonSerializable(typeof(IReadOnlyList<ControlEvent>))]
[JsonSerializable(typeof(IReadOnlyList<RemoteRouteView>))]
public sealed partial class SwarmJsonContext : JsonSerializerContext;
