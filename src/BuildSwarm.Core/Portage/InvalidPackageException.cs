namespace BuildSwarm.Core.Portage;

/// <summary>A binary package that a Portage client would refuse; the message names the member and what differs.</summary>
public sealed class InvalidPackageException(string message) : Exception(message);
