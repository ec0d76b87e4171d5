using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Hosting.Http;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Optional HTTP basic auth for binhost reads (<c>Gateway:Binhost:Users</c>). Portage sends the <c>user:pass@</c>
/// of a binrepos.conf sync-uri only after a 401 with a Basic challenge, so the challenge header is part of the protocol.
/// </summary>
public sealed class BinhostReadAuth
{
    public const string Challenge = "Basic realm=\"BuildSwarm binhost\"";

    private readonly List<(byte[] User, byte[] Password)> _users;

    /// <summary>Reads <c>Gateway:Binhost:Users</c>; a bad entry stops the gateway at start.</summary>
    public BinhostReadAuth(IOptions<GatewayOptions> options) => _users = Users(options.Value.Binhost.Users);

    /// <summary>Null when the request may read (no users configured, or a right user and password), else the 401 to send.</summary>
    public IResult? Refuse(HttpContext context)
    {
        if (_users.Count == 0)
        {
            return null;
        }

        var failure = Check(context.Request.Headers.Authorization.ToString(), _users);
        if (failure is null)
        {
            return null;
        }

        context.Response.Headers.WWWAuthenticate = Challenge;
        return Problems.Unauthorized(failure);
    }

    /// <summary>The configured users as (SHA-256 of the user name, SHA-256 of the password); a bad hash stops the gateway.</summary>
    private static List<(byte[] User, byte[] Password)> Users(IEnumerable<BinhostUserOptions> configured)
    {
        var users = new List<(byte[], byte[])>();
        foreach (var user in configured)
        {
            if (string.IsNullOrEmpty(user.User) || user.User.Contains(':', StringComparison.Ordinal))
            {
                throw new InvalidOperationException("Gateway:Binhost:Users: every user needs a User without ':'");
            }

            byte[] password;
            if (!string.IsNullOrEmpty(user.PasswordSha256))
            {
                if (user.PasswordSha256.Length != 64 || !user.PasswordSha256.All(char.IsAsciiHexDigit))
                {
                    throw new InvalidOperationException($"Gateway:Binhost:Users: PasswordSha256 of '{user.User}' must be 64 hex digits (printf %s pass | sha256sum)");
                }

                password = Convert.FromHexString(user.PasswordSha256);
            }
            else if (!string.IsNullOrEmpty(user.Password))
            {
                password = SHA256.HashData(Encoding.UTF8.GetBytes(user.Password));
            }
            else
            {
                throw new InvalidOperationException($"Gateway:Binhost:Users: '{user.User}' needs PasswordSha256 or Password");
            }

            users.Add((SHA256.HashData(Encoding.UTF8.GetBytes(user.User)), password));
        }

        return users;
    }

    /// <summary>Null when the header names a configured user with its password, else why not.</summary>
    private static string? Check(string header, List<(byte[] User, byte[] Password)> users)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
        {
            return "the binhost needs HTTP basic auth (binrepos.conf: sync-uri = http://user:pass@host/binhost/)";
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return "the basic credentials are not valid base64";
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return "the basic credentials are not 'user:password'";
        }

        // Hashing both sides gives fixed-length inputs to the constant-time compare, and every user is compared
        // (no early exit) so the time does not tell which user names exist.
        var user = SHA256.HashData(Encoding.UTF8.GetBytes(decoded[..colon]));
        var password = SHA256.HashData(Encoding.UTF8.GetBytes(decoded[(colon + 1)..]));
        var match = false;
        foreach (var candidate in users)
        {
            match |= CryptographicOperations.FixedTimeEquals(user, candidate.User) & CryptographicOperations.FixedTimeEquals(password, candidate.Password);
        }

        return match ? null : "wrong binhost user or password";
    }
}
