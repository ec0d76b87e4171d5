using System.Security.Cryptography;
using System.Text;

namespace BuildSwarm.Hosting.Http;

public static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>Constant-time comparison, so response timing says nothing about the token.</summary>
    public static bool Matches(string? presented, string? expected) =>
        presented is not null && expected is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Reads a token file, or creates it (mode 0600) with a new token.</summary>
    public static (string Token, bool Created) LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return (File.ReadAllText(path).Trim(), false);
        }

        var token = New();
        SecretFile.Write(path, token, overwrite: false);
        return (token, true);
    }
}
