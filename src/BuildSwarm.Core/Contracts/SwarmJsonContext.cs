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
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(SwarmEvent))]
[JsonSerializable(typeof(IReadOnlyList<SwarmEvent>))]
[JsonSerializable(typeof(MonitorView))]
[JsonSerializable(typeof(EnergyView))]
[JsonSerializable(typeof(DroneDrainReply))]
[JsonSerializable(typeof(IReadOnlyList<DroneView>))]
[JsonSerializable(typeof(BinhostKeyInfo))]
[JsonSerializable(typeof(PromoteRequest))]
[JsonSerializable(typeof(BinhostReleaseView))]
[JsonSerializable(typeof(IReadOnlyList<BinhostReleaseView>))]
[JsonSerializable(typeof(RollbackResult))]
[JsonSerializable(typeof(GcReport))]
[JsonSerializable(typeof(VerifyReport))]
[JsonSerializable(typeof(JoinTokenRequest))]
[JsonSerializable(typeof(JoinTokenCreated))]
[JsonSerializable(typeof(IReadOnlyList<JoinTokenView>))]
[JsonSerializable(typeof(DroneAdmissionRequest))]
[JsonSerializable(typeof(DroneAdmission))]
[JsonSerializable(typeof(OrchestratorSyncReply))]
[JsonSerializable(typeof(IReadOnlyList<FleetDrone>))]
[JsonSerializable(typeof(FleetDrone))]
[JsonSerializable(typeof(DroneRename))]
[JsonSerializable(typeof(OrchestratorDirectory))]
public sealed partial class SwarmJsonContext : JsonSerializerContext;
