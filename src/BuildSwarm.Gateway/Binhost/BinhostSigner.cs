using System.Diagnostics;
using BuildSwarm.Gateway.Configuration;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// The gateway's OpenPGP key, held by the system <c>gpg</c> in <c>&lt;data&gt;/gnupg</c> (GNUPGHOME, mode 0700).
/// The key has no passphrase: the gateway signs unattended, so the directory's permissions are its protection.
/// Drones never see it; the gateway signs at publish time.
/// </summary>
public sealed partial class BinhostSigner(IOptions<GatewayOptions> options, ILogger<BinhostSigner> logger) : IDisposable
{
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private string? _fingerprint;

    public string Home { get; } = Path.GetFullPath(Path.Combine(options.Value.DataDir, "gnupg"));

    /// <summary>The fingerprint of the signing key, or null when there is none yet.</summary>
    public async Task<string?> FingerprintAsync(CancellationToken cancellationToken)
    {
        if (_fingerprint is not null || !Directory.Exists(Home))
        {
            return _fingerprint;
        }

        var (code, output, _) = await RunAsync(["--list-secret-keys", "--with-colons"], null, cancellationToken);
        if (code != 0)
        {
            return null;
        }

        var lines = output.Split('\n');
        var secret = Array.FindIndex(lines, l => l.StartsWith("sec:", StringComparison.Ordinal));
        var fpr = secret < 0 ? null : lines.Skip(secret + 1).FirstOrDefault(l => l.StartsWith("fpr:", StringComparison.Ordinal));
        _fingerprint = fpr?.Split(':')[9];
        return _fingerprint;
    }

    /// <summary>Creates the signing key when there is none; returns its fingerprint and whether it was created now.</summary>
    public async Task<(string Fingerprint, bool Created)> EnsureKeyAsync(CancellationToken cancellationToken)
    {
        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            if (await FingerprintAsync(cancellationToken) is { } existing)
            {
                return (existing, false);
            }

            Directory.CreateDirectory(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var (code, _, error) = await RunAsync(
                ["--passphrase", "", "--quick-generate-key", options.Value.Binhost.KeyUserId, "ed25519", "sign", "never"], null, cancellationToken);
            if (code != 0 || await FingerprintAsync(cancellationToken) is not { } created)
            {
                throw new InvalidOperationException($"gpg could not create the binhost key in {Home}: {error.Trim()}");
            }

            LogKeyCreated(created, Home);
            return (created, true);
        }
        finally
        {
            _keyLock.Release();
        }
    }

    /// <summary>The armored public key, or null when there is no key.</summary>
    public async Task<string?> ExportPublicKeyAsync(CancellationToken cancellationToken)
    {
        if (await FingerprintAsync(cancellationToken) is not { } fingerprint)
        {
            return null;
        }

        var (code, output, error) = await RunAsync(["--armor", "--export", fingerprint], null, cancellationToken);
        return code == 0 ? output : throw new InvalidOperationException($"gpg could not export the key: {error.Trim()}");
    }

    /// <summary>An armored detached signature of the content (fed to gpg on stdin), as Portage writes <c>.sig</c> members.</summary>
    public async Task<string> DetachSignAsync(Stream content, CancellationToken cancellationToken)
    {
        var fingerprint = await RequireKeyAsync(cancellationToken);
        var (code, output, error) = await RunAsync(
            ["--local-user", fingerprint, "--digest-algo", "SHA512", "--armor", "--detach-sign", "--output", "-"],
            stdin => content.CopyToAsync(stdin, cancellationToken), cancellationToken);
        return code == 0 ? output : throw new InvalidOperationException($"gpg could not sign a package member: {error.Trim()}");
    }

    /// <summary>The text, clear-signed.</summary>
    public async Task<string> ClearSignAsync(string text, CancellationToken cancellationToken)
    {
        var fingerprint = await RequireKeyAsync(cancellationToken);
        var (code, output, error) = await RunAsync(
            ["--local-user", fingerprint, "--digest-algo", "SHA512", "--clearsign", "--output", "-"],
            async stdin => await stdin.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken), cancellationToken);
        return code == 0 ? output : throw new InvalidOperationException($"gpg could not clear-sign the Manifest: {error.Trim()}");
    }

    /// <summary>Stops the gpg-agent this gateway's GNUPGHOME started (it would otherwise outlive the gateway).</summary>
    public void Dispose()
    {
        _keyLock.Dispose();
        if (!Directory.Exists(Home))
        {
            return;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", Home, "--kill", "gpg-agent"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            process?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    private async Task<string> RequireKeyAsync(CancellationToken cancellationToken) =>
        await FingerprintAsync(cancellationToken)
            ?? throw new InvalidOperationException("the binhost has no signing key: run 'build-swarm binhost init-key'");

    private async Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<string> arguments, Func<Stream, Task>? writeInput, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.Value.Binhost.Gpg)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GNUPGHOME"] = Home;
        foreach (var argument in (string[])["--batch", "--no-tty", "--pinentry-mode", "loopback", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (writeInput is not null)
        {
            await writeInput(process.StandardInput.BaseStream);
            await process.StandardInput.BaseStream.FlushAsync(cancellationToken);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created binhost signing key {Fingerprint} in {Home}")]
    private partial void LogKeyCreated(string fingerprint, string home);
}
