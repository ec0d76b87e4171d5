using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BuildSwarm.Gateway.Binhost;
using BuildSwarm.Hosting.Files;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Hosting.Configuration;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway;
using BuildSwarm.Hosting;
using BuildSwarm.Gateway.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Publish latency against the size of the index, in one run:
//  1. index level: one publish (insert a row, update the served index from the cached runs) with the current index,
//     and the same until its Packages + Packages.gz are on disk, against the baseline of the walking skeleton (reload
//     every row from SQLite, rebuild each entry, write Packages and Packages.gz with optimal gzip);
//  2. end to end: a real HTTP upload of a gpkg to a gateway whose index already holds N packages (the response comes
//     after the served index lists the package).
var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [100, 30_000];
const int Rounds = 15;
Console.WriteLine($"rounds per measurement: {Rounds} (median reported); sizes: {string.Join(", ", sizes)}");
var results = new Dictionary<int, (double Baseline, double Served, double OnDisk, double Http, double HttpEvery)>();
foreach (var size in sizes)
{
    var root = Path.Combine(Path.GetTempPath(), $"binhost-bench-{Guid.NewGuid():n}"[..28]);
    try
    {
        var options = new GatewayOptions { Listen = "http://127.0.0.1:0", DataDir = Path.Combine(root, "data") };
        var db = new SwarmDatabase(Path.Combine(options.DataDir, "gateway.db"));
        await db.InitializeAsync(CancellationToken.None);
        await SeedAsync(db, size);

        var baseline = await TimeMedianAsync(Rounds, i => BaselinePublishAsync(db, options, size + i));
        var served = await CachedPublishesAsync(db, options, size, waitForFiles: false);
        var onDisk = await CachedPublishesAsync(db, options, size, waitForFiles: true);
        var http = await HttpPublishesAsync(options, indexFileInterval: 1000);
        var httpEvery = await HttpPublishesAsync(options, indexFileInterval: 0);
        results[size] = (baseline, served, onDisk, http, httpEvery);
        Console.WriteLine($"{size,7} packages: baseline {baseline,8:F1} ms   served index {served,7:F2} ms   files on disk {onDisk,7:F1} ms   " +
                          $"HTTP upload {http,6:F1} ms (files every publish: {httpEvery,6:F1} ms)   (baseline/served {baseline / served:F0}x)");
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }
}

if (sizes.Length >= 2)
{
    var (small, large) = (results[sizes[0]], results[sizes[^1]]);
    Console.WriteLine($"publish at {sizes[^1]} / publish at {sizes[0]}: HTTP upload {large.Http / small.Http:F2}x " +
                      $"(files every publish {large.HttpEvery / small.HttpEvery:F2}x), served index " +
                      $"{large.Served / small.Served:F2}x, files on disk {large.OnDisk / small.OnDisk:F2}x, baseline {large.Baseline / small.Baseline:F2}x");
}

static async Task SeedAsync(SwarmDatabase db, int count)
{
    await db.WriteAsync(async (connection, tx) =>
    {
        for (var i = 0; i < count; i++)
        {
            await InsertAsync(connection, tx, $"cat-{i % 150:D3}/pkg{i:D6}-1.{i % 97}", 1, i);
        }

        return 0;
    }, CancellationToken.None);
}

static Task<int> InsertAsync(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction tx, string cpv, int buildId, int seed)
{
    var parsed = Cpv.Parse(cpv);
    var metadata = new Dictionary<string, string>
    {
        ["CATEGORY"] = parsed.Category,
        ["PF"] = parsed.Pf,
        ["SLOT"] = "0",
        ["EAPI"] = "8",
        ["KEYWORDS"] = "amd64 ~arm64",
        ["USE"] = "amd64 elibc_glibc kernel_linux ssl",
        ["IUSE"] = "doc ssl test",
        ["LICENSE"] = "GPL-2+",
        ["DESCRIPTION"] = $"benchmark package number {seed}",
        ["CHOST"] = "x86_64-pc-linux-gnu",
        ["repository"] = "gentoo",
        ["RDEPEND"] = ">=dev-libs/openssl-3.0:= sys-libs/zlib",
        ["DEPEND"] = ">=dev-libs/openssl-3.0:= sys-libs/zlib",
        ["DEFINED_PHASES"] = "compile configure install prepare",
        ["BUILD_TIME"] = "1700000000",
    };
    var hash = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(seed)));
    return SwarmDatabase.ExecuteAsync(connection, tx,
        """
        INSERT INTO packages (target, cpv, build_id, path, size, md5, sha1, sha256, mtime, metadata, job_id)
        VALUES ('default', $cpv, $b, $path, $size, $md5, $sha1, '', 1700000000, $meta, NULL)
        """, CancellationToken.None, ("$cpv", cpv), ("$b", buildId), ("$path", $"{cpv}-{buildId}.gpkg.tar"), ("$size", 10_000 + seed),
        ("$md5", hash[..32]), ("$sha1", hash[..40]), ("$meta", JsonSerializer.Serialize(metadata)));
}

// The walking skeleton's publish: insert, then rebuild the whole index from every row.
static async Task BaselinePublishAsync(SwarmDatabase db, GatewayOptions options, int seed)
{
    await db.WriteAsync((c, tx) => InsertAsync(c, tx, $"bench-new/pkg{seed:D6}-1.0", 1, seed), CancellationToken.None);
    var entries = await db.ReadAsync(async connection =>
    {
        var list = new List<IReadOnlyDictionary<string, string>>();
        await using var command = SwarmDatabase.Command(connection, null, "SELECT cpv, build_id, path, size, md5, sha1, mtime, metadata FROM packages WHERE target = 'default'");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(7))!;
            var file = new PackageFileFacts(reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6));
            list.Add(PackagesIndexEntry.Create(metadata, file, reader.GetInt32(1)));
        }

        return list;
    }, CancellationToken.None);
    var text = Encoding.UTF8.GetBytes(PackagesIndex.Write(new Dictionary<string, string>(), entries, DateTimeOffset.UtcNow));
    var dir = Path.Combine(options.DataDir, "baseline");
    Directory.CreateDirectory(dir);
    await File.WriteAllBytesAsync(Path.Combine(dir, "Packages"), text);
    await using var gz = new GZipStream(File.Create(Path.Combine(dir, "Packages.gz")), CompressionLevel.Optimal);
    await gz.WriteAsync(text);
}

// The current publish path minus the upload: insert + Apply inside the transaction, then the update of the served
// index (and, with waitForFiles, until the mirror has written Packages and Packages.gz).
static async Task<double> CachedPublishesAsync(SwarmDatabase db, GatewayOptions options, int size, bool waitForFiles)
{
    var wrapped = Microsoft.Extensions.Options.Options.Create(options);
    var targets = new BinhostTargets(wrapped);
    await using var index = new BinhostIndex(db, new BinhostPaths(options.DataDir), targets, wrapped, TimeProvider.System, NullLogger<BinhostIndex>.Instance);
    var load = Stopwatch.StartNew();
    await index.LoadAllAsync(CancellationToken.None);
    Console.WriteLine($"{size,7} packages: loading the cached index at start-up took {load.Elapsed.TotalMilliseconds:F0} ms");
    var prefix = waitForFiles ? "bench-disk" : "bench-served";
    return await TimeMedianAsync(Rounds, async i =>
    {
        var cpv = $"{prefix}/pkg{i + 1:D6}-1.0";
        var version = await db.WriteAsync(async (c, tx) =>
        {
            await InsertAsync(c, tx, cpv, 1, i);
            var metadata = new Dictionary<string, string> { ["CATEGORY"] = prefix, ["PF"] = $"pkg{i + 1:D6}-1.0", ["SLOT"] = "0", ["EAPI"] = "8" };
            var block = index.Block("default", metadata, new PackageFileFacts($"{cpv}-1.gpkg.tar", 1, "0", "0", 0), 1);
            return index.Apply("default", [new IndexedPackage(new InstanceKey(cpv, 1), block)], []);
        }, CancellationToken.None);
        await index.UpdateAsync("default", version, CancellationToken.None);
        if (waitForFiles)
        {
            await index.FlushAsync(CancellationToken.None);
        }
    });
}

// A whole upload over HTTP: receive, validate the gpkg, fsync, commit, update the served index; the index files on disk
// follow at most once per indexFileInterval ms (0: after every publish, competing with the next uploads).
static async Task<double> HttpPublishesAsync(GatewayOptions options, int indexFileInterval)
{
    options.Binhost.IndexFileIntervalMilliseconds = indexFileInterval;
    await using var app = await GatewayServer.CreateAsync(options, CancellationToken.None, NullLoggerProvider.Instance);
    await app.StartAsync();
    var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    var secrets = app.Services.GetRequiredService<GatewaySecrets>();
    using var admin = Client(url, secrets.AdminToken);
    using var cluster = Client(url, secrets.ClusterToken);
    using var register = await cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
        new OrchestratorRegistration("bench", "lab", "http://127.0.0.1:1"), SwarmJsonContext.Default.OrchestratorRegistration);
    var orchestrator = (await register.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
    var result = await MedianAsync(Rounds, async i =>
    {
        var cpv = $"bench-http{indexFileInterval}/pkg{i + 1:D6}-1.0";
        (await admin.PostAsJsonAsync("api/gateway/build/submit", new SubmitBuildRequest([new PackageRequest(cpv)]), SwarmJsonContext.Default.SubmitBuildRequest))
            .EnsureSuccessStatusCode();
        using var leaseResponse = await cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(orchestrator, "d", "d"), SwarmJsonContext.Default.LeaseRequest);
        var lease = (await leaseResponse.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases.Single();
        using var package = new MemoryStream();
        var parsed = Cpv.Parse(cpv);
        await GpkgWriter.WriteAsync(package, new Dictionary<string, string> { ["CATEGORY"] = parsed.Category, ["PF"] = parsed.Pf, ["SLOT"] = "0", ["EAPI"] = "8" },
            [new GpkgImageFile("usr/share/doc/x", new byte[8192])], null, CancellationToken.None);
        var body = package.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/gateway/binhost/upload/{lease.JobId}") { Content = new ByteArrayContent(body) };
        request.Headers.Add(UploadHeaders.Lease, lease.LeaseId);
        request.Headers.Add(UploadHeaders.Sha256, Convert.ToHexStringLower(SHA256.HashData(body)));
        var watch = Stopwatch.StartNew();
        using var response = await admin.SendAsync(request);
        watch.Stop();
        response.EnsureSuccessStatusCode();
        return watch.Elapsed.TotalMilliseconds;
    });
    await app.StopAsync();
    return result;
}

static HttpClient Client(string url, string token)
{
    var http = new HttpClient { BaseAddress = new Uri(url + "/") };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return http;
}

static async Task<double> TimeMedianAsync(int rounds, Func<int, Task> action) =>
    await MedianAsync(rounds, async i =>
    {
        var watch = Stopwatch.StartNew();
        await action(i);
        return watch.Elapsed.TotalMilliseconds;
    });

static async Task<double> MedianAsync(int rounds, Func<int, Task<double>> measure)
{
    await measure(-1); // warm-up
    var times = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        times.Add(await measure(i));
    }

    times.Sort();
    return times[times.Count / 2];
}
