global using Xunit;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
