import DescentCore
import Foundation

/// The PostgreSQL store: many `descent serve` instances share one database, which is also their job queue
/// (claims with `FOR UPDATE SKIP LOCKED`, leases with expiry) and their message bus (`LISTEN`/`NOTIFY`,
/// see `PostgresCoordination`). Lease times come from the database clock, so instances' clocks may differ.
///
/// Two connection pools: submissions and other user writes commit durably (`synchronous_commit` as the
/// server has it); the queue's own writes — claims, lease renewals, trajectory chunks, results and
/// notifications — commit asynchronously (`synchronous_commit = off`), which saves a WAL flush per write.
/// A database crash can then lose the last fraction of a second of those writes, and nothing more: the
/// experiments concerned are found running with an expired lease and are run again, with identical
/// results since runs are deterministic.
public final class PostgresStore: Store {
    /// Connections for user requests (durable commits).
    let pool: PostgresPool
    /// Connections for the queue's own writes (asynchronous commits).
    let queuePool: PostgresPool
    /// The connection URL (for the notification listener's own connection).
    public let url: String

    /// Connects to `url` (`postgres://user@host:port/db`) with up to `poolSize` connections and applies
    /// pending schema migrations (one instance at a time, under an advisory lock).
    public init(url: String, poolSize: Int = 8) throws {
        self.url = url
        pool = try PostgresPool(url: url, size: poolSize)
        try pool.with { try Self.migrate($0) }
        queuePool = try PostgresPool(url: url, size: poolSize, setup: "SET synchronous_commit TO off")
    }

    /// Versioned migrations, applied in order, each once. Never edit one that has shipped; add a new one.
    static let migrations: [(version: Int, name: String, sql: String)] = [
        (1, "experiments, trajectory chunks, studies, leases", """
            CREATE TABLE experiment (
              seq BIGSERIAL PRIMARY KEY,
              id TEXT NOT NULL UNIQUE,
              status TEXT NOT NULL,
              name TEXT NOT NULL,
              tags JSONB NOT NULL,
              objective TEXT NOT NULL,
              optimizer TEXT NOT NULL,
              spec TEXT NOT NULL,
              summary TEXT,
              error_code TEXT,
              error_message TEXT,
              created_at DOUBLE PRECISION NOT NULL,
              started_at DOUBLE PRECISION,
              finished_at DOUBLE PRECISION,
              steps_done BIGINT NOT NULL DEFAULT 0,
              idempotency_key TEXT UNIQUE,
              body_hash TEXT,
              study_id TEXT,
              attempt INTEGER NOT NULL DEFAULT 0,
              lease_owner TEXT,
              lease_expires DOUBLE PRECISION,
              cancel_requested BOOLEAN NOT NULL DEFAULT false);
            CREATE INDEX experiment_status_seq ON experiment (status, seq);
            CREATE INDEX experiment_pending ON experiment (seq) WHERE status IN ('queued', 'running');
            CREATE TABLE trajectory_chunk (
              experiment_id TEXT NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
              chunk_index INTEGER NOT NULL,
              data BYTEA NOT NULL,
              PRIMARY KEY (experiment_id, chunk_index));
            -- Float columns barely compress: store chunks out of line without trying.
            ALTER TABLE trajectory_chunk ALTER COLUMN data SET STORAGE EXTERNAL;
            CREATE TABLE study (
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              created_at DOUBLE PRECISION NOT NULL,
              experiment_ids JSONB NOT NULL,
              labels JSONB NOT NULL,
              loss_target DOUBLE PRECISION);
            """),
        (2, "notify workers when an experiment becomes queued", """
            CREATE FUNCTION descent_notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_notify('\(PostgresCoordination.workChannel)', NEW.id);
              RETURN NULL;
            END $$;
            CREATE TRIGGER experiment_queued AFTER INSERT OR UPDATE OF status ON experiment
              FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION descent_notify_work();
            """),
        (3, "index tags for the tag filter", """
            CREATE INDEX experiment_tags ON experiment USING gin (tags);
            """),
        (4, "chunks with step ranges, compressed columns and summary levels", chunkFormatMigration),
        (5, "search studies: definition, state, trials", studySearchMigration),
        (6, "a note on each experiment", "ALTER TABLE experiment ADD COLUMN note TEXT;"),
        (7, "pruning: each experiment's rule, each trial's reports", """
            ALTER TABLE experiment ADD COLUMN prune_rule TEXT;
            ALTER TABLE study_trial ADD COLUMN reports TEXT;
            """),
    ]

    /// Applies pending migrations in one transaction holding a transaction-scoped advisory lock, so
    /// instances starting together apply each migration once and none sees a half-built schema.
    static func migrate(_ c: PGConnection, upTo last: Int = .max) throws {
        try c.transaction {
            try c.execute("SELECT pg_advisory_xact_lock(4471530127)")  // any fixed key; "descent migrations"
            try c.execute("""
                CREATE TABLE IF NOT EXISTS descent_schema_migration (
                  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let applied = try c.execute("SELECT version FROM descent_schema_migration")
            let done = Set((0..<applied.count).compactMap { applied.int($0, "version") })
            for m in migrations where !done.contains(m.version) && m.version <= last {
                try c.executeScript(m.sql)
                if m.version == 4 { try convertLegacyChunks(c) }
                try c.execute("INSERT INTO descent_schema_migration (version, name) VALUES ($1, $2)", [PGValue(m.version), .text(m.name)])
            }
        }
    }

    /// The schema versions applied, ascending.
    func appliedMigrations() throws -> [Int] {
        try pool.with { c in
            let rows = try c.execute("SELECT version FROM descent_schema_migration ORDER BY version")
            return (0..<rows.count).compactMap { rows.int($0, "version") }
        }
    }

    /// The database clock as seconds since 1970 (leases use it, not the instances' clocks).
    static let now = "extract(epoch FROM clock_timestamp())::float8"

    public func insert(_ records: [ExperimentRecord], queueCapacity: Int?) throws {
        try insert(groups: [records], queueCapacity: queueCapacity)[0].get()
    }

    public func insert(groups: [[ExperimentRecord]], queueCapacity: Int?) throws -> [Result<Void, StoreError>] {
        let rows = try groups.map(Self.rowsJSON)
        return try pool.with { c in
            try c.transaction {
                var queued = 0
                if queueCapacity != nil {
                    // Admissions queue on one transaction-scoped lock, so each counts what the previous one inserted.
                    try c.execute("SELECT pg_advisory_xact_lock(4471530128)")  // any fixed key; "descent admission"
                    queued = try c.execute("SELECT count(*) AS n FROM experiment WHERE status = 'queued'").int(0, "n") ?? 0
                }
                var results: [Result<Void, StoreError>] = []
                for (group, json) in zip(groups, rows) {
                    let adding = group.count(where: { $0.status == .queued })
                    if let capacity = queueCapacity, queued + adding > capacity {
                        results.append(.failure(.queueFull(queued: queued, adding: adding, capacity: capacity)))
                        continue
                    }
                    try c.execute("SAVEPOINT submission")
                    do {
                        // One statement per submission; `ord` keeps the sequence numbers in submission order.
                        try Self.insertRows(c, json)
                        try c.execute("RELEASE SAVEPOINT submission")
                        queued += adding
                        results.append(.success(()))
                    } catch let error as PostgresError where error.sqlState == "23505" && error.message.contains("idempotency_key") {
                        try c.execute("ROLLBACK TO SAVEPOINT submission")
                        results.append(.failure(.duplicateIdempotencyKey))
                    }
                }
                return results
            }
        }
    }

    /// Inserts the experiments of `rowsJSON` in their order (one statement).
    static func insertRows(_ c: PGConnection, _ json: String) throws {
        try c.execute("""
            INSERT INTO experiment (id, status, name, tags, objective, optimizer, spec, created_at, steps_done,
              idempotency_key, body_hash, study_id, prune_rule)
            SELECT id, status, name, tags::jsonb, objective, optimizer, spec, created_at, steps_done,
              idempotency_key, body_hash, study_id, prune_rule
            FROM json_to_recordset($1::json) AS x(ord int, id text, status text, name text, tags text, objective text,
              optimizer text, spec text, created_at float8, steps_done bigint, idempotency_key text, body_hash text,
              study_id text, prune_rule text)
            ORDER BY ord
            """, [.text(json)])
    }

    /// The experiments `records` as one JSON array for `insertRows` (remembering their specs' text).
    static func rowsJSON(_ records: [ExperimentRecord]) throws -> String {
        try JSONCoding.string(records.enumerated().map { i, r in
            NewExperimentRow(ord: i, id: r.id, status: r.status.rawValue, name: r.spec.name, tags: SpecJSON.tags(r.spec.tags),
                             objective: r.spec.objective.type, optimizer: r.spec.optimizer.type, spec: try StoredJSON.specs.remember(r),
                             createdAt: r.createdAt.timeIntervalSince1970, stepsDone: r.stepsDone,
                             idempotencyKey: r.idempotencyKey, bodyHash: r.bodyHash, studyID: r.studyID,
                             pruneRule: try r.pruneRule.map(JSONCoding.string))
        })
    }

    /// One experiment row as `insert` sends it (`JSONCoding` writes the keys as the snake_case column names).
    private struct NewExperimentRow: Encodable {
        var ord: Int, id: String, status: String, name: String, tags: String, objective: String, optimizer: String, spec: String
        var createdAt: Double, stepsDone: Int, idempotencyKey: String?, bodyHash: String?, studyId: String?, pruneRule: String?
        init(ord: Int, id: String, status: String, name: String, tags: String, objective: String, optimizer: String, spec: String,
             createdAt: Double, stepsDone: Int, idempotencyKey: String?, bodyHash: String?, studyID: String?, pruneRule: String?) {
            self.pruneRule = pruneRule
            self.ord = ord; self.id = id; self.status = status; self.name = name; self.tags = tags; self.objective = objective
            self.optimizer = optimizer; self.spec = spec; self.createdAt = createdAt; self.stepsDone = stepsDone
            self.idempotencyKey = idempotencyKey; self.bodyHash = bodyHash; self.studyId = studyID
        }
    }

    public func experiment(_ id: String) throws -> ExperimentRecord? {
        try first(try pool.with { try $0.execute("SELECT * FROM experiment WHERE id = $1", [.text(id)]) })
    }

    public func experiment(idempotencyKey: String) throws -> ExperimentRecord? {
        try first(try pool.with { try $0.execute("SELECT * FROM experiment WHERE idempotency_key = $1", [.text(idempotencyKey)]) })
    }

    public func experiments(ids: [String]) throws -> [String: ExperimentRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try pool.with { try $0.execute("SELECT * FROM experiment WHERE id = ANY($1::text[])", [Self.idArray(ids)]) }
        var records: [String: ExperimentRecord] = [:]
        records.reserveCapacity(rows.count)
        for i in 0..<rows.count {
            let r = try Self.record(rows, i)
            records[r.id] = r
        }
        return records
    }

    /// `ids` as one `text[]` parameter. Identifiers are generated ("exp_" + hex), so they need no quoting inside the
    /// array literal.
    static func idArray(_ ids: [String]) -> PGValue {
        .text("{" + ids.joined(separator: ",") + "}")
    }

    /// SQL for `column` with ASCII capitals made small, as `ExperimentQuery.folded` does (not `lower`, which
    /// also folds other letters by the locale).
    static func folded(_ column: String) -> String {
        "translate(\(column), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    }

    public func experiments(_ q: ExperimentQuery) throws -> [ExperimentRecord] {
        var params: [PGValue] = []
        func bind(_ v: PGValue) -> String { params.append(v); return "$\(params.count)" }
        let listing = ExperimentListingSQL(dialect: Self.listingDialect(bindNumber: { bind(PGValue($0)) + "::float8" },
                                                                        bindText: { bind(.text($0)) }))
        func filters() -> String {
            var sql = ""
            if let s = q.status { sql += " AND status = \(bind(.text(s.rawValue)))" }
            if let o = q.objective { sql += " AND \(Self.folded("objective")) = \(bind(.text(ExperimentQuery.folded(o))))" }
            if let o = q.optimizer { sql += " AND \(Self.folded("optimizer")) = \(bind(.text(ExperimentQuery.folded(o))))" }
            if let t = q.tag {
                sql += " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(tags) AS t(v) WHERE \(Self.folded("t.v")) = \(bind(.text(ExperimentQuery.folded(t)))))"
            }
            return sql + listing.conditions(q)
        }
        var sql: String
        if let sort = q.sort {
            sql = listing.sorted(q, sort: sort, filters: filters, bindSeq: { bind(PGValue($0)) }, bindLimit: { bind(PGValue($0)) })
        } else {
            sql = "SELECT * FROM experiment WHERE true" + filters()
            if let a = q.after { sql += q.descending ? " AND seq < \(bind(PGValue(a)))" : " AND seq > \(bind(PGValue(a)))" }
            sql += " ORDER BY seq \(q.descending ? "DESC" : "ASC") LIMIT \(bind(PGValue(q.limit)))"
        }
        let rows = try pool.with { try $0.execute(sql, params) }
        return try (0..<rows.count).map { try Self.record(rows, $0) }
    }

    /// PostgreSQL's JSON operators for listings by field (spec and summary are stored as text, parsed here);
    /// the summary's "Infinity" strings become ±∞, as in SQLite.
    static func listingDialect(bindNumber: @escaping (Double) -> String, bindText: @escaping (String) -> String) -> ExperimentListingSQL.Dialect {
        func value(_ f: ExperimentField) -> String {
            "(experiment.\(f.document == .summary ? "summary" : "spec")::jsonb #> \(bindText(f.postgresPath))::text[])"
        }
        return ExperimentListingSQL.Dialect(
            bindNumber: bindNumber, bindText: bindText,
            number: { f in
                let v = value(f)
                return "(CASE jsonb_typeof(\(v)) WHEN 'number' THEN (\(v) #>> '{}')::float8 WHEN 'string' THEN"
                    + " (CASE \(v) #>> '{}' WHEN 'Infinity' THEN 'Infinity'::float8 WHEN '-Infinity' THEN '-Infinity'::float8 END) END)"
            },
            textEquals: { f, text in
                let v = value(f)
                return "(jsonb_typeof(\(v)) = 'string' AND \(Self.folded("(\(v) #>> '{}')")) = \(bindText(text)))"
            })
    }

    public func update(_ r: ExperimentRecord) throws {
        let params: [PGValue] = [
            .text(r.status.rawValue), PGValue(try r.summary.map(JSONCoding.string)), PGValue(r.errorCode), PGValue(r.errorMessage),
            PGValue(r.startedAt?.timeIntervalSince1970), PGValue(r.finishedAt?.timeIntervalSince1970), PGValue(r.stepsDone), .text(r.id),
        ]
        try pool.with { c in
            try c.execute("""
                UPDATE experiment SET status = $1, summary = $2, error_code = $3, error_message = $4, started_at = $5,
                  finished_at = $6, steps_done = $7 WHERE id = $8
                """, params)
        }
    }

    public func annotate(_ id: String, _ change: ExperimentAnnotation) throws -> ExperimentRecord? {
        try pool.with { c in
            try c.transaction {
                guard let r = try self.first(try c.execute("SELECT * FROM experiment WHERE id = $1 FOR UPDATE", [.text(id)])) else { return nil }
                let changed = change.applied(to: r)
                try c.execute("UPDATE experiment SET tags = $1::jsonb, spec = $2, note = $3 WHERE id = $4",
                              [.text(SpecJSON.tags(changed.spec.tags)), .text(try StoredJSON.specs.remember(changed)), PGValue(changed.note), .text(id)])
                return changed
            }
        }
    }

    public func delete(_ id: String) throws {
        try pool.with { try $0.execute("DELETE FROM experiment WHERE id = $1", [.text(id)]) }  // chunks cascade
    }

    public func queuedCount() throws -> Int {
        try pool.with { try $0.execute("SELECT count(*) AS n FROM experiment WHERE status = 'queued'").int(0, "n") ?? 0 }
    }

    public func claim(owner: String, leaseSeconds: Double, limit: Int) throws -> [Claim] {
        try queuePool.with { c in
            try c.transaction {
                // SKIP LOCKED: concurrent claimers each lock different rows instead of queueing on the first ones.
                let rows = try c.execute("""
                    WITH next AS (
                      SELECT seq FROM experiment
                      WHERE status = 'queued' OR (status = 'running' AND lease_expires < \(Self.now))
                      ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
                    UPDATE experiment e SET status = 'running', attempt = e.attempt + 1, lease_owner = $1,
                      lease_expires = \(Self.now) + $2, started_at = \(Self.now), steps_done = 0
                    FROM next WHERE e.seq = next.seq RETURNING e.*
                    """, [.text(owner), PGValue(leaseSeconds), PGValue(max(1, limit))])
                return try Self.claims(c, rows)
            }
        }
    }

    public func claim(owner: String, leaseSeconds: Double, limit: Int, study studyID: String) throws -> [Claim] {
        try queuePool.with { c in
            try c.transaction {
                let rows = try c.execute("""
                    WITH next AS (
                      SELECT seq FROM experiment WHERE status = 'queued' AND study_id = $4
                      ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
                    UPDATE experiment e SET status = 'running', attempt = e.attempt + 1, lease_owner = $1,
                      lease_expires = \(Self.now) + $2, started_at = \(Self.now), steps_done = 0
                    FROM next WHERE e.seq = next.seq RETURNING e.*
                    """, [.text(owner), PGValue(leaseSeconds), PGValue(max(1, limit)), .text(studyID)])
                return try Self.claims(c, rows)
            }
        }
    }

    /// The claims of rows just marked running, oldest first.
    private static func claims(_ c: PGConnection, _ rows: PGRows) throws -> [Claim] {
        var claims: [Claim] = []
        for i in 0..<rows.count {
            let record = try Self.record(rows, i)
            if record.attempt > 1 { try Self.deleteTrajectory(c, id: record.id) }
            claims.append(Claim(record: record, lease: Lease(id: record.id, attempt: record.attempt),
                                cancelRequested: rows.bool(i, "cancel_requested") ?? false))
        }
        return claims.sorted { $0.record.sequence < $1.record.sequence }
    }

    public func renew(_ leases: [Lease], owner: String, leaseSeconds: Double) throws -> [Lease: LeaseState] {
        guard !leases.isEmpty else { return [:] }
        // Identifiers are generated ("exp_" + hex), so they need no quoting inside an array literal.
        let ids = "{" + leases.map(\.id).joined(separator: ",") + "}"
        let attempts = "{" + leases.map { String($0.attempt) }.joined(separator: ",") + "}"
        let rows = try queuePool.with { c in
            try c.execute("""
                UPDATE experiment SET lease_expires = \(Self.now) + $1
                WHERE lease_owner = $2 AND status = 'running'
                  AND (id, attempt) IN (SELECT * FROM unnest($3::text[], $4::int[]))
                RETURNING id, attempt, cancel_requested
                """, [PGValue(leaseSeconds), .text(owner), .text(ids), .text(attempts)])
        }
        var states = Dictionary(uniqueKeysWithValues: leases.map { ($0, LeaseState.lost) })
        for i in 0..<rows.count {
            guard let id = rows.string(i, "id"), let attempt = rows.int(i, "attempt") else { continue }
            states[Lease(id: id, attempt: attempt)] = rows.bool(i, "cancel_requested") == true ? .cancelRequested : .held
        }
        return states
    }

    public func complete(_ lease: Lease, status: ExperimentStatus, summary: RunSummary?, error: (code: String, message: String)?, stepsDone: Int) throws -> ExperimentRecord? {
        let params: [PGValue] = [
            .text(status.rawValue), PGValue(try summary.map(JSONCoding.string)), PGValue(error?.code), PGValue(error?.message),
            PGValue(Date().timeIntervalSince1970), PGValue(stepsDone), .text(lease.id), PGValue(lease.attempt),
        ]
        return try first(try queuePool.with { c in
            try c.execute("""
                UPDATE experiment SET status = $1, summary = $2, error_code = $3, error_message = $4, finished_at = $5,
                  steps_done = $6, lease_owner = NULL, lease_expires = NULL
                WHERE id = $7 AND attempt = $8 AND status = 'running' RETURNING *
                """, params)
        })
    }

    public func release(_ lease: Lease) throws -> Bool {
        try queuePool.with { c in
            try c.transaction {
                let rows = try c.execute("""
                    UPDATE experiment SET status = 'queued', started_at = NULL, steps_done = 0, lease_owner = NULL, lease_expires = NULL
                    WHERE id = $1 AND attempt = $2 AND status = 'running'
                    """, [.text(lease.id), PGValue(lease.attempt)])
                guard rows.affected == 1 else { return false }
                try Self.deleteTrajectory(c, id: lease.id)
                return true
            }
        }
    }

    public func cancelQueued(_ id: String) throws -> ExperimentRecord? {
        try first(try pool.with { c in
            try c.execute("UPDATE experiment SET status = 'cancelled', finished_at = $2 WHERE id = $1 AND status = 'queued' RETURNING *",
                          [.text(id), PGValue(Date().timeIntervalSince1970)])
        })
    }

    public func requestCancel(_ id: String) throws -> Bool {
        try pool.with { c in
            try c.execute("UPDATE experiment SET cancel_requested = true WHERE id = $1 AND status = 'running'", [.text(id)]).affected == 1
        }
    }

    public func requeueRunning() throws -> Int {
        try pool.with { c in
            try c.transaction {
                try Self.deleteRunningTrajectories(c)
                return try c.execute("""
                    UPDATE experiment SET status = 'queued', started_at = NULL, steps_done = 0, lease_owner = NULL, lease_expires = NULL
                    WHERE status = 'running'
                    """).affected
            }
        }
    }

    public func isWritable() -> Bool {
        (try? pool.with { try $0.execute("SELECT NOT pg_is_in_recovery() AS ok").bool(0, "ok") }) == true
    }

    /// Sends a notification on `channel` to every listening instance (this one included).
    func notify(_ channel: String, _ payload: String) throws {
        try queuePool.with { try $0.execute("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)]) }
    }

    public func close() throws {
        pool.close()
        queuePool.close()
    }

    private func first(_ rows: PGRows) throws -> ExperimentRecord? {
        rows.isEmpty ? nil : try Self.record(rows, 0)
    }

    struct CorruptRow: Error, CustomStringConvertible {
        let column: String
        var description: String { "row without a valid \(column)" }
    }

    private static func record(_ rows: PGRows, _ i: Int) throws -> ExperimentRecord {
        func need<T>(_ v: T?, _ column: String) throws -> T {
            guard let v else { throw CorruptRow(column: column) }
            return v
        }
        let spec = try StoredJSON.specs.decode(try need(rows.string(i, "spec"), "spec"))
        let summary = try rows.string(i, "summary").map(StoredJSON.summaries.decode)
        return ExperimentRecord(
            id: try need(rows.string(i, "id"), "id"), sequence: Int64(try need(rows.int(i, "seq"), "seq")),
            status: ExperimentStatus(rawValue: rows.string(i, "status") ?? "") ?? .failed, spec: spec.value, summary: summary?.value,
            errorCode: rows.string(i, "error_code"), errorMessage: rows.string(i, "error_message"),
            createdAt: Date(timeIntervalSince1970: try need(rows.double(i, "created_at"), "created_at")),
            startedAt: rows.double(i, "started_at").map(Date.init(timeIntervalSince1970:)),
            finishedAt: rows.double(i, "finished_at").map(Date.init(timeIntervalSince1970:)),
            stepsDone: rows.int(i, "steps_done") ?? 0, idempotencyKey: rows.string(i, "idempotency_key"),
            bodyHash: rows.string(i, "body_hash"), studyID: rows.string(i, "study_id"), attempt: rows.int(i, "attempt") ?? 0,
            specJSON: spec, summaryJSON: summary, note: rows.string(i, "note"),
            pruneRule: try rows.string(i, "prune_rule").map { try JSONCoding.decode(PruneRule.self, $0, snakeCase: true) })
    }
}
