namespace BuildSwarm.Tests.Security;

/// <summary>Every kind of credential a caller of our HTTP APIs can hold (issue 17's authorization matrix).</summary>
public enum Credential
{
    None,
    Garbage,
    Admin,
    Cluster,
    Join,
    DroneCredential,
    DroneSession,
    LeaseOfThisJob,
    LeaseOfAnotherJob,
}
