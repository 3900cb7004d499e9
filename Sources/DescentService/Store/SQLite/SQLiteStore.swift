import DescentCore
import Foundation
import GRDB
import Synchronization

/// The embedded SQLite store (GRDB `DatabasePool`: WAL mode, one writer, many readers).
///
/// `DatabasePool` serialises writes on its own queue and is safe to share between threads.
public final class SQLiteStore: Store {
    /// The connection pool (one writer, many readers).
    let pool: DatabasePool
    /// The data of large chunks, in files beside the database (`<path>-chunks/`).
    let chunkFiles: ChunkFiles
    /// Checkpoints the WAL in the background (`WALCheckpointer`).
    let checkpointer: WALCheckpointer

    /// Opens (creating and migrating as needed) the database at `path`.
    public init(path: String) throws {
        chunkFiles = try ChunkFiles(folder: path + "-chunks")
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // New databases only (an existing file keeps its page size). Chunks are blobs of up to hundreds
            // of KiB: SQLite writes and checkpoints page by page, one system call per page, so larger pages
            // cut the write path's system calls several-fold.
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
            // No checkpoint at commit: `WALCheckpointer` runs them beside the writer.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            // Statement journals in memory: a claim's UPDATE of up to 32 rows journals more than SQLite's 64 KiB
            // spill threshold of 16 KiB pages, so each claim created, wrote and deleted a file in /var/tmp.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(pool)
        checkpointer = try WALCheckpointer(path: path, every: Self.checkpointEvery)
    }

    /// How often the background checkpoint runs.
    static let checkpointEvery = DispatchTimeInterval.seconds(1)

    /// Page size of new database files, bytes (SQLite's default is 4,096).
    static let pageSize = 16384

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE experiment (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  id TEXT NOT NULL UNIQUE,
                  status TEXT NOT NULL,
                  name TEXT NOT NULL,
                  tags TEXT NOT NULL,
                  objective TEXT NOT NULL,
                  optimizer TEXT NOT NULL,
                  spec TEXT NOT NULL,
                  summary TEXT,
                  error_code TEXT,
                  error_message TEXT,
                  created_at DOUBLE NOT NULL,
                  started_at DOUBLE,
                  finished_at DOUBLE,
                  steps_done INTEGER NOT NULL DEFAULT 0,
                  idempotency_key TEXT UNIQUE,
                  body_hash TEXT,
                  study_id TEXT);
                CREATE INDEX experiment_status ON experiment(status);
                CREATE TABLE trajectory_chunk (
                  experiment_id TEXT NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
                  chunk_index INTEGER NOT NULL,
                  data BLOB NOT NULL,
                  PRIMARY KEY (experiment_id, chunk_index));
                CREATE TABLE study (
                  id TEXT PRIMARY KEY,
                  name TEXT NOT NULL,
                  created_at DOUBLE NOT NULL,
                  experiment_ids TEXT NOT NULL,
                  labels TEXT NOT NULL,
                  loss_target DOUBLE);
                """)
        }
        m.registerMigration("v2-leases") { db in
            try db.execute(sql: """
                ALTER TABLE experiment ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE experiment ADD COLUMN lease_owner TEXT;
                ALTER TABLE experiment ADD COLUMN lease_expires DOUBLE;
                ALTER TABLE experiment ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX experiment_status_seq ON experiment(status, seq);
                """)
        }
        m.registerMigration("v3-chunk-format", migrate: migrateChunksToV3)
        m.registerMigration("v4-one-status-index") { db in
            // experiment_status_seq serves every lookup by status (its prefix); the plain status index only
            // cost a page rewritten into the WAL at each insert, claim and result.
            try db.execute(sql: "DROP INDEX IF EXISTS experiment_status")
        }
        m.registerMigration("v5-study-search", migrate: migrateStudySearch)
        m.registerMigration("v6-experiment-note") { db in
            try db.execute(sql: "ALTER TABLE experiment ADD COLUMN note TEXT")
        }
        // A search's pruning: the rule each proposed experiment runs under, and each ended trial's reports.
        m.registerMigration("v7-pruning") { db in
            try db.execute(sql: "ALTER TABLE experiment ADD COLUMN prune_rule TEXT; ALTER TABLE study_trial ADD COLUMN reports TEXT")
        }
        // Large chunks' data in files (`ChunkFiles`): where a row's bytes are when its `data` is empty.
        m.registerMigration("v8-chunk-files") { db in
            try db.execute(sql: """
                ALTER TABLE trajectory_chunk_data ADD COLUMN file_attempt INTEGER;
                ALTER TABLE trajectory_chunk_data ADD COLUMN file_offset INTEGER;
                ALTER TABLE trajectory_chunk_data ADD COLUMN file_length INTEGER;
                """)
        }
        m.registerMigration("v9-trials-without-rowid", migrate: migrateTrialsWithoutRowID)
        return m
    }

    public func insert(_ records: [ExperimentRecord], queueCapacity: Int?) throws {
        try insert(groups: [records], queueCapacity: queueCapacity)[0].get()
    }

    public func insert(groups: [[ExperimentRecord]], queueCapacity: Int?) throws -> [Result<Void, StoreError>] {
        let rows = try groups.map { group in try group.map { try Self.insertArguments($0) } }
        return try pool.write { db in
            // Inside the write transaction: SQLite has one writer, so the count cannot change before the inserts.
            var queued = queueCapacity == nil ? 0 : try Int.fetchOne(db, sql: "SELECT count(*) FROM experiment WHERE status = 'queued'") ?? 0
            var results: [Result<Void, StoreError>] = []
            for (group, arguments) in zip(groups, rows) {
                let adding = group.count(where: { $0.status == .queued })
                if let capacity = queueCapacity, queued + adding > capacity {
                    results.append(.failure(.queueFull(queued: queued, adding: adding, capacity: capacity)))
                    continue
                }
                do {
                    try db.inSavepoint {
                        // A statement of its own, finalized before a rollback (a failed one left active blocks it).
                        let statement = try db.makeStatement(sql: Self.insertSQL)
                        for a in arguments { try statement.execute(arguments: a) }
                        return .commit
                    }
                    queued += adding
                    results.append(.success(()))
                } catch let error as DatabaseError
                    where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && error.message?.contains("idempotency_key") == true {
                    results.append(.failure(.duplicateIdempotencyKey))
                }
            }
            return results
        }
    }

    /// The statement inserting one experiment, with `insertArguments`.
    static let insertSQL = """
        INSERT INTO experiment (id, status, name, tags, objective, optimizer, spec, created_at, steps_done,
          idempotency_key, body_hash, study_id, prune_rule, attempt, started_at, lease_owner, lease_expires)
          VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        """

    /// The arguments of `insertSQL` for `r` (remembering its spec's text in the stored-spec cache): its status, attempt
    /// and start as the record has them, under `lease` (owner, expiry) when it is inserted claimed (`StepClaim`).
    static func insertArguments(_ r: ExperimentRecord, lease: (owner: String, expires: Double)? = nil) throws -> StatementArguments {
        [r.id, r.status.rawValue, r.spec.name, SpecJSON.tags(r.spec.tags), r.spec.objective.type, r.spec.optimizer.type,
         try StoredJSON.specs.remember(r), r.createdAt.timeIntervalSince1970, r.stepsDone, r.idempotencyKey, r.bodyHash, r.studyID,
         try r.pruneRule.map(JSONCoding.string), r.attempt, r.startedAt?.timeIntervalSince1970, lease?.owner, lease?.expires]
    }

    // Reads of one SELECT use `unsafeRead` and cached statements: a single statement sees one consistent
    // snapshot without the BEGIN/COMMIT that `read` wraps around it, and a cached statement is not parsed
    // and authorised again (GRDB's authoriser runs once per column at every prepare).

    public func experiment(_ id: String) throws -> ExperimentRecord? {
        try pool.unsafeRead { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM experiment WHERE id = ?"), arguments: [id])
        }.map(Self.record)
    }

    public func experiment(idempotencyKey: String) throws -> ExperimentRecord? {
        try pool.unsafeRead { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM experiment WHERE idempotency_key = ?"),
                             arguments: [idempotencyKey])
        }.map(Self.record)
    }

    public func experiments(ids: [String]) throws -> [String: ExperimentRecord] {
        var records: [String: ExperimentRecord] = [:]
        records.reserveCapacity(ids.count)
        try pool.read { db in
            for slice in Self.idSlices(ids) {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM experiment WHERE id IN (\(slice.marks))", arguments: slice.arguments)
                guard let first = rows.first else { continue }
                let columns = ExperimentColumns(first)
                for row in rows {
                    let r = try Self.record(row, columns)
                    records[r.id] = r
                }
            }
        }
        return records
    }

    /// `ids` in slices under SQLite's limit on bound variables, each with its `?` marks for `IN (…)` and its arguments.
    static func idSlices(_ ids: [String]) -> [(marks: String, arguments: StatementArguments)] {
        stride(from: 0, to: ids.count, by: 500).map { start in
            let slice = ids[start..<min(ids.count, start + 500)]
            return (Array(repeating: "?", count: slice.count).joined(separator: ","),
                    StatementArguments(slice.map { $0 as any DatabaseValueConvertible }))
        }
    }

    public func experiments(_ q: ExperimentQuery) throws -> [ExperimentRecord] {
        var args: [any DatabaseValueConvertible] = []
        func bind(_ v: any DatabaseValueConvertible) -> String { args.append(v); return "?" }
        let listing = ExperimentListingSQL(dialect: Self.listingDialect(bindNumber: { bind($0) }, bindText: { bind($0) }))
        func filters() -> String {
            var sql = ""
            if let s = q.status { sql += " AND status = \(bind(s.rawValue))" }
            if let o = q.objective { sql += " AND lower(objective) = \(bind(ExperimentQuery.folded(o)))" }
            if let o = q.optimizer { sql += " AND lower(optimizer) = \(bind(ExperimentQuery.folded(o)))" }
            if let t = q.tag { sql += " AND EXISTS (SELECT 1 FROM json_each(experiment.tags) WHERE lower(value) = \(bind(ExperimentQuery.folded(t))))" }
            return sql + listing.conditions(q)
        }
        var sql: String
        if let sort = q.sort {
            sql = listing.sorted(q, sort: sort, filters: filters, bindSeq: { bind($0) }, bindLimit: { bind($0) })
        } else {
            sql = "SELECT * FROM experiment WHERE 1" + filters()
            if let a = q.after { sql += q.descending ? " AND seq < \(bind(a))" : " AND seq > \(bind(a))" }
            sql += " ORDER BY seq \(q.descending ? "DESC" : "ASC") LIMIT \(bind(q.limit))"
        }
        // Field conditions and sorts make statements without bound (their paths are bound, but not their
        // number): those are prepared each time rather than filling the statement cache.
        let cached = q.sort == nil && q.conditions.isEmpty
        let rows = try pool.unsafeRead { db in
            try Row.fetchAll(cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql), arguments: StatementArguments(args))
        }
        guard let first = rows.first else { return [] }
        let columns = ExperimentColumns(first)
        return try rows.map { try Self.record($0, columns) }
    }

    /// SQLite's JSON functions for listings by field. `json_extract` gives a JSON number as REAL or INTEGER (`json_type`
    /// tells numbers from booleans, which it also gives as INTEGER); the summary's "Infinity" strings become ±∞ (9e999 overflows to ∞).
    static func listingDialect(bindNumber: @escaping (Double) -> String, bindText: @escaping (String) -> String) -> ExperimentListingSQL.Dialect {
        func column(_ f: ExperimentField) -> String { f.document == .summary ? "experiment.summary" : "experiment.spec" }
        return ExperimentListingSQL.Dialect(
            bindNumber: bindNumber, bindText: bindText,
            number: { f in
                let c = column(f)
                func at() -> String { "\(c), \(bindText(f.sqlitePath))" }
                return "(CASE json_type(\(at())) WHEN 'real' THEN json_extract(\(at())) WHEN 'integer' THEN json_extract(\(at()))"
                    + " WHEN 'text' THEN (CASE json_extract(\(at())) WHEN 'Infinity' THEN 9e999 WHEN '-Infinity' THEN -9e999 END) END)"
            },
            textEquals: { f, folded in
                let c = column(f)
                return "(json_type(\(c), \(bindText(f.sqlitePath))) = 'text' AND lower(json_extract(\(c), \(bindText(f.sqlitePath)))) = \(bindText(folded)))"
            })
    }

    public func update(_ r: ExperimentRecord) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE experiment SET status = ?, summary = ?, error_code = ?, error_message = ?, started_at = ?,
                  finished_at = ?, steps_done = ? WHERE id = ?
                """, arguments: [r.status.rawValue, try r.summary.map(JSONCoding.string), r.errorCode, r.errorMessage,
                                 r.startedAt?.timeIntervalSince1970, r.finishedAt?.timeIntervalSince1970, r.stepsDone, r.id])
        }
    }

    public func annotate(_ id: String, _ change: ExperimentAnnotation) throws -> ExperimentRecord? {
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM experiment WHERE id = ?", arguments: [id]) else { return nil }
            let r = change.applied(to: try Self.record(row))
            try db.execute(sql: "UPDATE experiment SET tags = ?, spec = ?, note = ? WHERE id = ?",
                           arguments: [SpecJSON.tags(r.spec.tags), try StoredJSON.specs.remember(r), r.note, id])
            return r
        }
    }

    public func delete(_ id: String) throws {
        let dropped = try pool.write { db in
            let attempts = try Int.fetchOne(db, sql: "SELECT attempt FROM experiment WHERE id = ?", arguments: [id]) ?? 0
            let dropped = try Self.deleteTrajectory(db, id: id, attempts: attempts)
            try db.execute(sql: "DELETE FROM experiment WHERE id = ?", arguments: [id])
            return dropped
        }
        removeFiles(dropped)
    }

    /// Removes the chunk files of attempts whose rows a committed transaction deleted.
    func removeFiles(_ dropped: [DroppedAttempts]) {
        for d in dropped { chunkFiles.remove(d.id, attempts: d.attempts) }
    }

    public func queuedCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM experiment WHERE status = 'queued'") ?? 0 }
    }

    /// The oldest `limit` of the queued runs and the running ones whose lease expired. Each kind is read from the
    /// status index in sequence order, `limit` at most, and only those are merged. Why: as one `OR`, SQLite read every
    /// queued row and sorted them all at each claim (a 10,000-run batch: 1.2–1.6 ms per claim of up to 32, under the
    /// write lock that results and other claims wait for).
    public func claim(owner: String, leaseSeconds: Double, limit: Int) throws -> [Claim] {
        let claims = try pool.write { db in
            let now = Date().timeIntervalSince1970
            let rows = try Row.fetchAll(try db.cachedStatement(sql: """
                UPDATE experiment SET status = 'running', attempt = attempt + 1, lease_owner = ?1, lease_expires = ?2,
                  started_at = ?3, steps_done = 0
                WHERE seq IN (SELECT seq FROM (SELECT seq FROM experiment WHERE status = 'queued' ORDER BY seq LIMIT ?4)
                              UNION ALL
                              SELECT seq FROM (SELECT seq FROM experiment WHERE status = 'running' AND lease_expires < ?3
                                               ORDER BY seq LIMIT ?4)
                              ORDER BY seq LIMIT ?4)
                RETURNING *
                """), arguments: [owner, now + leaseSeconds, now, max(1, limit)])
            return try Self.claims(db, rows)
        }
        removeFiles(claims.dropped)
        return claims.claims
    }

    public func claim(owner: String, leaseSeconds: Double, limit: Int, study studyID: String) throws -> [Claim] {
        let claims = try pool.write { db in
            let now = Date().timeIntervalSince1970
            let rows = try Row.fetchAll(try db.cachedStatement(sql: """
                UPDATE experiment SET status = 'running', attempt = attempt + 1, lease_owner = ?, lease_expires = ?,
                  started_at = ?, steps_done = 0
                WHERE seq IN (SELECT seq FROM experiment WHERE status = 'queued' AND study_id = ? ORDER BY seq LIMIT ?)
                RETURNING *
                """), arguments: [owner, now + leaseSeconds, now, studyID, max(1, limit)])
            return try Self.claims(db, rows)
        }
        removeFiles(claims.dropped)
        return claims.claims
    }

    /// The claims of rows just marked running, oldest first, and the earlier attempts whose chunks they dropped.
    private static func claims(_ db: Database, _ rows: [Row]) throws -> (claims: [Claim], dropped: [DroppedAttempts]) {
        var claims: [Claim] = []
        var dropped: [DroppedAttempts] = []
        for row in rows {
            let record = try Self.record(row)
            // A first attempt has nothing stored; later ones drop what a taken-over or released run left.
            if record.attempt > 1 { dropped += try Self.deleteTrajectory(db, id: record.id, attempts: record.attempt - 1) }
            claims.append(Claim(record: record, lease: Lease(id: record.id, attempt: record.attempt),
                                cancelRequested: row["cancel_requested"] as Bool))
        }
        return (claims.sorted { $0.record.sequence < $1.record.sequence }, dropped)
    }

    public func renew(_ leases: [Lease], owner: String, leaseSeconds: Double) throws -> [Lease: LeaseState] {
        guard !leases.isEmpty else { return [:] }
        return try pool.write { db in
            var states: [Lease: LeaseState] = [:]
            let expires = Date().timeIntervalSince1970 + leaseSeconds
            for lease in leases {
                try db.execute(sql: """
                    UPDATE experiment SET lease_expires = ? WHERE id = ? AND attempt = ? AND lease_owner = ? AND status = 'running'
                    """, arguments: [expires, lease.id, lease.attempt, owner])
                if db.changesCount == 0 { states[lease] = .lost; continue }
                let cancel = try Bool.fetchOne(db, sql: "SELECT cancel_requested FROM experiment WHERE id = ?", arguments: [lease.id]) ?? false
                states[lease] = cancel ? .cancelRequested : .held
            }
            return states
        }
    }

    public func complete(_ lease: Lease, status: ExperimentStatus, summary: RunSummary?, error: (code: String, message: String)?, stepsDone: Int) throws -> ExperimentRecord? {
        let summaryText = try summary.map(JSONCoding.string)
        return try pool.write { db in
            try db.execute(sql: """
                UPDATE experiment SET status = ?, summary = ?, error_code = ?, error_message = ?, finished_at = ?, steps_done = ?,
                  lease_owner = NULL, lease_expires = NULL WHERE id = ? AND attempt = ? AND status = 'running'
                """, arguments: [status.rawValue, summaryText, error?.code, error?.message, Date().timeIntervalSince1970,
                                 stepsDone, lease.id, lease.attempt])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM experiment WHERE id = ?", arguments: [lease.id]).map(Self.record)
        }
    }

    public func release(_ lease: Lease) throws -> Bool {
        let dropped: [DroppedAttempts]? = try pool.write { db in
            try db.execute(sql: """
                UPDATE experiment SET status = 'queued', started_at = NULL, steps_done = 0, lease_owner = NULL, lease_expires = NULL
                WHERE id = ? AND attempt = ? AND status = 'running'
                """, arguments: [lease.id, lease.attempt])
            guard db.changesCount == 1 else { return nil }
            return try Self.deleteTrajectory(db, id: lease.id, attempts: lease.attempt)
        }
        guard let dropped else { return false }
        removeFiles(dropped)
        return true
    }

    public func cancelQueued(_ id: String) throws -> ExperimentRecord? {
        try pool.write { db in
            try db.execute(sql: "UPDATE experiment SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'queued'",
                           arguments: [Date().timeIntervalSince1970, id])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM experiment WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    public func requestCancel(_ id: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE experiment SET cancel_requested = 1 WHERE id = ? AND status = 'running'", arguments: [id])
            return db.changesCount == 1
        }
    }

    public func requeueRunning() throws -> Int {
        let (count, dropped) = try pool.write { db in
            let dropped = try Self.deleteRunningTrajectories(db)
            try db.execute(sql: """
                UPDATE experiment SET status = 'queued', started_at = NULL, steps_done = 0, lease_owner = NULL, lease_expires = NULL
                WHERE status = 'running';
                """)
            return (db.changesCount, dropped)
        }
        removeFiles(dropped)
        return count
    }

    public func isWritable() -> Bool {
        (try? pool.write { db in try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS probe(x); DELETE FROM probe") }) != nil
    }

    /// Stops the background checkpoints, then closes the pool (whose last connection checkpoints what is left).
    public func close() throws {
        checkpointer.stop()
        try pool.close()
    }

    private static func record(_ row: Row) throws -> ExperimentRecord { try record(row, ExperimentColumns(row)) }

    private static func record(_ row: Row, _ c: ExperimentColumns) throws -> ExperimentRecord {
        let spec = try StoredJSON.specs.decode(row[c.spec] as String)
        let summary = try (row[c.summary] as String?).map(StoredJSON.summaries.decode)
        let started: Double? = row[c.startedAt], finished: Double? = row[c.finishedAt]
        return ExperimentRecord(
            id: row[c.id], sequence: row[c.seq], status: ExperimentStatus(rawValue: row[c.status]) ?? .failed,
            spec: spec.value, summary: summary?.value, errorCode: row[c.errorCode], errorMessage: row[c.errorMessage],
            createdAt: Date(timeIntervalSince1970: row[c.createdAt]),
            startedAt: started.map(Date.init(timeIntervalSince1970:)), finishedAt: finished.map(Date.init(timeIntervalSince1970:)),
            stepsDone: row[c.stepsDone], idempotencyKey: row[c.idempotencyKey], bodyHash: row[c.bodyHash],
            studyID: row[c.studyID], attempt: row[c.attempt], specJSON: spec, summaryJSON: summary, note: row[c.note],
            pruneRule: try (row[c.pruneRule] as String?).map { try JSONCoding.decode(PruneRule.self, $0, snakeCase: true) })
    }
}

/// Where the experiment table's columns are in the rows of one `SELECT *`, found once per query: GRDB's
/// lookup by name lower-cases the names on every access, which cost more than the row's decoding.
private struct ExperimentColumns {
    var id = 0, seq = 0, status = 0, spec = 0, summary = 0, errorCode = 0, errorMessage = 0, createdAt = 0
    var startedAt = 0, finishedAt = 0, stepsDone = 0, idempotencyKey = 0, bodyHash = 0, studyID = 0, attempt = 0, note = 0
    var pruneRule = 0

    /// The positions in `row` (every column must be present: rows come from `SELECT *`).
    init(_ row: Row) {
        for (i, name) in row.columnNames.enumerated() {
            switch name {
            case "id": id = i
            case "seq": seq = i
            case "note": note = i
            case "status": status = i
            case "spec": spec = i
            case "summary": summary = i
            case "error_code": errorCode = i
            case "error_message": errorMessage = i
            case "created_at": createdAt = i
            case "started_at": startedAt = i
            case "finished_at": finishedAt = i
            case "steps_done": stepsDone = i
            case "idempotency_key": idempotencyKey = i
            case "body_hash": bodyHash = i
            case "study_id": studyID = i
            case "attempt": attempt = i
            case "prune_rule": pruneRule = i
            default: break
            }
        }
    }
}

/// Copies the WAL's committed pages into the database file in the background: a passive checkpoint (`PRAGMA
/// wal_checkpoint(PASSIVE)`) every `every` (the store's `checkpointEvery`, a second), on a connection of its own,
/// with SQLite's automatic checkpoint (after a commit that brings the WAL past 1,000 pages, in the committing
/// connection) turned off.
///
/// Why: the automatic checkpoint ran inside the writer's commit, so every few hundred commits one of them also
/// wrote back and flushed the pages of the last thousand, while the workers' claims, the results and the study
/// driver's steps waited for the write lock. A checkpoint on another connection needs no write lock (WAL mode lets
/// it run beside the writer); a passive one waits for nobody and leaves frames a reader still needs for the next
/// one. Nothing about durability changes: commits are flushed to the WAL as before, and a crash replays the WAL.
/// The 10,000-trial search and the batch of 10,000 runs each took 7–10 % less time (BENCHMARKS.md). Once a second
/// rather than more often: a page rewritten many times (the queue's index) is written back once per checkpoint, and
/// every 100 ms was no faster.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "descent-checkpoint")
    private let timer: Mutex<(any DispatchSourceTimer)?> = Mutex(nil)

    /// Starts checkpointing the database at `path` every `every`.
    init(path: String, every: DispatchTimeInterval) throws {
        var config = Configuration()
        config.label = "descent-checkpoint"
        connection = try DatabaseQueue(path: path, configuration: config)
        timer.withLock { t in
            let source = DispatchSource.makeTimerSource(queue: queue)
            source.schedule(deadline: .now() + every, repeating: every)
            source.setEventHandler { [weak self] in _ = try? self?.checkpoint() }
            source.resume()
            t = source
        }
    }

    /// One passive checkpoint now: the WAL's frames and how many of them are in the database file afterwards.
    @discardableResult
    func checkpoint() throws -> (walFrames: Int, checkpointed: Int) {
        try connection.writeWithoutTransaction { db in
            let result = try db.checkpoint(.passive)
            return (result.walFrameCount, result.checkpointedFrameCount)
        }
    }

    deinit { timer.withLock { $0?.cancel() } }

    /// Stops the timer, waits for a checkpoint under way, and closes the connection. Idempotent.
    func stop() {
        timer.withLock { $0?.cancel(); $0 = nil }
        queue.sync {}
        try? connection.close()
    }
}
