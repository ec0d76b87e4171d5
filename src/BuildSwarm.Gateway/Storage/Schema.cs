namespace BuildSwarm.Gateway.Storage;

internal static class Schema
{
    public const string V1 = """
        CREATE TABLE builds (
            id          TEXT PRIMARY KEY,
            target      TEXT NOT NULL,
            priority    INTEGER NOT NULL,
            created_at  INTEGER NOT NULL
        );
        CREATE TABLE jobs (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            build_id        TEXT NOT NULL REFERENCES builds(id),
            cpv             TEXT NOT NULL,
            target          TEXT NOT NULL,
            priority        INTEGER NOT NULL,
            state           TEXT NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            lease_id        TEXT,
            lease_drone     TEXT,
            lease_orchestrator TEXT,
            lease_deadline  INTEGER,
            error           TEXT,
            log_tail        TEXT,
            path            TEXT,
            updated_at      INTEGER NOT NULL,
            UNIQUE (build_id, cpv)
        );
        CREATE INDEX jobs_state ON jobs(state, priority DESC, id);
        CREATE INDEX jobs_lease ON jobs(lease_id);
        CREATE TABLE job_deps (
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            dep_job_id  INTEGER NOT NULL REFERENCES jobs(id),
            PRIMARY KEY (job_id, dep_job_id)
        );
        CREATE INDEX job_deps_dep ON job_deps(dep_job_id);
        CREATE TABLE leases (
            id          TEXT PRIMARY KEY,
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            drone       TEXT NOT NULL,
            created_at  INTEGER NOT NULL
        );
        CREATE INDEX leases_job ON leases(job_id);
        CREATE TABLE packages (
            target      TEXT NOT NULL,
            cpv         TEXT NOT NULL,
            build_id    INTEGER NOT NULL,
            path        TEXT NOT NULL,
            size        INTEGER NOT NULL,
            md5         TEXT NOT NULL,
            sha1        TEXT NOT NULL,
            sha256      TEXT NOT NULL,
            mtime       INTEGER NOT NULL,
            metadata    TEXT NOT NULL,
            job_id      INTEGER REFERENCES jobs(id),
            PRIMARY KEY (target, cpv, build_id)
        );
        CREATE TABLE orchestrators (
            id          TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            site        TEXT NOT NULL,
            url         TEXT NOT NULL,
            role        TEXT NOT NULL,
            last_seen   INTEGER NOT NULL
        );
        """;

    /// <summary>V2: the Portage tree snapshot a build was planned on (NULL: not recorded, any tree will do).</summary>
    public const string V2 = """
        ALTER TABLE builds ADD COLUMN tree_snapshot TEXT;
        """;

    /// <summary>V3, monitoring: the bounded event history (SSE resume) and persisted energy totals.</summary>
    public const string V3 = """
        CREATE TABLE events (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            at          INTEGER NOT NULL,
            type        TEXT NOT NULL,
            body        TEXT NOT NULL
        );
        CREATE TABLE energy_totals (
            kind        TEXT NOT NULL,
            key         TEXT NOT NULL,
            joules      REAL NOT NULL,
            PRIMARY KEY (kind, key)
        );
        """;

    /// <summary>
    /// V4, scheduling: who holds a lease (drone id, role, cores) and since when, every failure with its drone,
    /// drained and grounded drones, and the build-time estimator's learned state.
    /// </summary>
    public const string V4 = """
        ALTER TABLE jobs ADD COLUMN lease_drone_id TEXT;
        ALTER TABLE jobs ADD COLUMN lease_role TEXT;
        ALTER TABLE jobs ADD COLUMN lease_cores INTEGER;
        ALTER TABLE jobs ADD COLUMN leased_at INTEGER;
        ALTER TABLE jobs ADD COLUMN started_at INTEGER;
        CREATE INDEX jobs_lease_drone ON jobs(lease_drone_id);
        CREATE TABLE job_failures (
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            drone_id    TEXT NOT NULL,
            drone       TEXT NOT NULL,
            sweeper     INTEGER NOT NULL,
            error       TEXT,
            log_path    TEXT,
            at          INTEGER NOT NULL
        );
        CREATE INDEX job_failures_job ON job_failures(job_id);
        CREATE INDEX job_failures_drone ON job_failures(drone_id, at);
        CREATE TABLE drone_drains (
            name        TEXT PRIMARY KEY,
            since       INTEGER NOT NULL
        );
        CREATE TABLE drone_groundings (
            drone_id    TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            until       INTEGER NOT NULL
        );
        CREATE TABLE package_estimates (
            package     TEXT PRIMARY KEY,
            reference_seconds REAL NOT NULL,
            samples     INTEGER NOT NULL
        );
        CREATE TABLE drone_speeds (
            drone_id    TEXT PRIMARY KEY,
            speed       REAL NOT NULL,
            samples     INTEGER NOT NULL
        );
        """;

    /// <summary>V5, binhost releases (frozen indexes that share the package files) and the stable alias per target.</summary>
    public const string V5 = """
        CREATE TABLE binhost_releases (
            target      TEXT NOT NULL,
            name        TEXT NOT NULL,
            seq         INTEGER NOT NULL,
            timestamp   INTEGER NOT NULL,
            packages    INTEGER NOT NULL,
            created_at  INTEGER NOT NULL,
            PRIMARY KEY (target, name)
        );
        CREATE TABLE binhost_release_entries (
            target      TEXT NOT NULL,
            release     TEXT NOT NULL,
            cpv         TEXT NOT NULL,
            build_id    INTEGER NOT NULL,
            path        TEXT NOT NULL,
            size        INTEGER NOT NULL,
            md5         TEXT NOT NULL,
            sha1        TEXT NOT NULL,
            PRIMARY KEY (target, release, path)
        );
        CREATE INDEX binhost_release_entries_cpv ON binhost_release_entries(target, cpv);
        CREATE TABLE binhost_stable (
            target      TEXT PRIMARY KEY,
            release     TEXT NOT NULL
        );
        """;

    /// <summary>V6, fleet admission: join tokens (hashed) and the drones the gateway has admitted or refused.</summary>
    public const string V6 = """
        CREATE TABLE join_tokens (
            id            TEXT PRIMARY KEY,
            hash          TEXT NOT NULL UNIQUE,
            note          TEXT,
            created_at    INTEGER NOT NULL,
            expires_at    INTEGER,
            single_use    INTEGER NOT NULL,
            auto_approve  INTEGER NOT NULL,
            uses          INTEGER NOT NULL DEFAULT 0,
            revoked       INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE drones (
            id                TEXT PRIMARY KEY,
            name              TEXT NOT NULL,
            host_name         TEXT NOT NULL,
            state             TEXT NOT NULL,
            credential_hash   TEXT NOT NULL,
            join_token        TEXT,
            site              TEXT,
            cores             INTEGER NOT NULL,
            ram_mb            INTEGER NOT NULL,
            slots             INTEGER NOT NULL,
            addresses         TEXT NOT NULL,
            address           TEXT,
            reported_address  TEXT,
            observed_address  TEXT,
            behind_nat        INTEGER NOT NULL,
            masked            INTEGER NOT NULL,
            created_at        INTEGER NOT NULL,
            updated_at        INTEGER NOT NULL
        );
        CREATE INDEX drones_name ON drones(name);
        """;

    /// <summary>
    /// V7, queue control: where a retried job's failures start counting again (job_failures rowid), the
    /// swarm-wide switches (paused) and per-drone core limits, both by what operators type.
    /// </summary>
    public const string V7 = """
        ALTER TABLE jobs ADD COLUMN failures_before INTEGER;
        CREATE TABLE swarm_controls (
            key         TEXT PRIMARY KEY,
            value       TEXT NOT NULL,
            since       INTEGER NOT NULL
        );
        CREATE TABLE drone_limits (
            name        TEXT PRIMARY KEY,
            cores       INTEGER NOT NULL,
            since       INTEGER NOT NULL
        );
        """;
}
