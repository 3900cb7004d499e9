import DescentCore
import Foundation
import GRDB

/// Studies and the trials of search studies in SQLite. Search steps run in a write transaction, and SQLite has
/// one writer, so they are serialized per study (and across studies) without further locking.
extension SQLiteStore {
    /// Migration v5: a study's search definition and state, and its trials.
    static func migrateStudySearch(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE study ADD COLUMN definition TEXT;
            ALTER TABLE study ADD COLUMN search_state TEXT;
            CREATE INDEX study_searching ON study(search_state) WHERE search_state = 'searching';
            CREATE TABLE study_trial (
              study_id TEXT NOT NULL REFERENCES study(id) ON DELETE CASCADE,
              number INTEGER NOT NULL,
              experiment_ids TEXT NOT NULL,
              params TEXT NOT NULL,
              state TEXT NOT NULL,
              value DOUBLE,
              PRIMARY KEY (study_id, number));
            """)
    }

    /// Migration v9: the trials in a table clustered by (study, number) (`WITHOUT ROWID`), rows kept. Why: with a rowid,
    /// each trial's insert wrote two B-trees (the rows and the key's index), each end's update and a search step's read
    /// of `number, state` went through the index to the rows; the search steps of a 10,000-trial search hold SQLite's
    /// write lock, which the workers' claims and results wait for.
    static func migrateTrialsWithoutRowID(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE study_trial_v9 (
              study_id TEXT NOT NULL REFERENCES study(id) ON DELETE CASCADE,
              number INTEGER NOT NULL,
              experiment_ids TEXT NOT NULL,
              params TEXT NOT NULL,
              state TEXT NOT NULL,
              value DOUBLE,
              reports TEXT,
              PRIMARY KEY (study_id, number)) WITHOUT ROWID;
            INSERT INTO study_trial_v9 (study_id, number, experiment_ids, params, state, value, reports)
              SELECT study_id, number, experiment_ids, params, state, value, reports FROM study_trial;
            DROP TABLE study_trial;
            ALTER TABLE study_trial_v9 RENAME TO study_trial;
            """)
    }

    public func insertStudy(_ s: StudyRecord) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO study (id, name, created_at, experiment_ids, labels, loss_target, definition, search_state)
                VALUES (?,?,?,?,?,?,?,?)
                """,
                arguments: [s.id, s.name, s.createdAt.timeIntervalSince1970, try JSONCoding.string(s.experimentIDs),
                            try JSONCoding.string(s.labels), s.lossTarget, s.definition, s.searchState?.rawValue])
        }
    }

    public func study(_ id: String) throws -> StudyRecord? {
        try pool.read({ db in try Row.fetchOne(db, sql: "SELECT * FROM study WHERE id = ?", arguments: [id]) }).map(Self.study)
    }

    public func studies(_ q: StudyQuery) throws -> [StudyRecord] {
        var sql = "SELECT * FROM study WHERE 1"
        var args: [any DatabaseValueConvertible] = []
        if let name = q.name { sql += " AND lower(name) = ?"; args.append(ExperimentQuery.folded(name)) }
        switch q.kind {
        case .search?: sql += " AND definition IS NOT NULL"
        case .list?: sql += " AND definition IS NULL"
        case nil: break
        }
        if let state = q.state { sql += " AND search_state = ?"; args.append(state.rawValue) }
        if let after = q.after {
            sql += " AND (created_at < ? OR (created_at = ? AND id < ?))"
            args += [after.createdAt, after.createdAt, after.id]
        }
        sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
        args.append(q.limit)
        return try pool.read { db in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)) }.map(Self.study)
    }

    private static func study(_ row: Row) throws -> StudyRecord {
        StudyRecord(id: row["id"], name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    experimentIDs: try StoredJSON.strings(row["experiment_ids"] as String),
                    labels: try StoredJSON.strings(row["labels"] as String),
                    lossTarget: row["loss_target"], definition: row["definition"],
                    searchState: (row["search_state"] as String?).flatMap(SearchState.init(rawValue:)))
    }

    public func activeSearches() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM study WHERE search_state = 'searching' ORDER BY created_at, id") }
    }

    public func trials(_ studyID: String, from first: Int) throws -> [TrialRecord] {
        try pool.read { db in try Self.trials(db, studyID, from: first) }
    }

    public func endTrial(_ studyID: String, number: Int, state: TrialState, value: Double?, reports: [PruneReport]?) throws {
        let end = TrialEnd(number: number, state: state, value: value, reports: reports)
        try pool.write { db in try Self.record([end], of: studyID, db) }
    }

    public func advanceSearch(_ studyID: String, ending ends: [TrialEnd], from first: Int, holding held: [Int: TrialState],
                              planned: SearchStep?, claiming claim: StepClaim?,
                              _ propose: ([TrialRecord]) throws -> SearchStep) throws -> SearchStep {
        // The planned step's rows are made before the write lock is taken. Why: making them (each spec's text, remembered
        // in the specs' cache, and each trial's JSON) was an eighth of a 10,000-trial search's time holding the lock,
        // which the workers' claims and results wait for.
        let now = Date()
        let prepared = try planned.map { try StepRows($0, studyID, claim, now) }
        return try pool.write { db in
            try Self.record(ends, of: studyID, db)
            let changed = try Self.trials(db, studyID, from: first, notHeld: held)
            let rows: StepRows
            if changed.isEmpty, let prepared {
                rows = prepared
            } else {
                rows = try StepRows(try propose(changed), studyID, claim, now)
            }
            let insertExperiment = try db.makeStatement(sql: Self.insertSQL)
            for a in rows.experiments { try insertExperiment.execute(arguments: a) }
            let insertTrial = try db.makeStatement(sql: "INSERT INTO study_trial (study_id, number, experiment_ids, params, state, value) VALUES (?,?,?,?,?,?)")
            for a in rows.trials { try insertTrial.execute(arguments: a) }
            if rows.step.finished {
                try db.execute(sql: "UPDATE study SET search_state = 'finished' WHERE id = ?", arguments: [studyID])
            }
            return rows.step
        }
    }

    /// A search step as it is inserted (its first `claim.limit` experiments claimed, as the step returned says), and the
    /// statement arguments of its new experiments and trials.
    private struct StepRows {
        var step: SearchStep
        var experiments: [StatementArguments] = []
        var trials: [StatementArguments]

        init(_ step: SearchStep, _ studyID: String, _ claim: StepClaim?, _ now: Date) throws {
            self.step = step
            let claimed = min(claim?.limit ?? 0, step.experiments.count)
            for i in self.step.experiments.indices {
                var lease: (owner: String, expires: Double)?
                if let claim, i < claimed {
                    self.step.experiments[i].status = .running
                    self.step.experiments[i].attempt = 1
                    self.step.experiments[i].startedAt = now
                    lease = (claim.owner, now.timeIntervalSince1970 + claim.leaseSeconds)
                }
                experiments.append(try SQLiteStore.insertArguments(self.step.experiments[i], lease: lease))
            }
            trials = step.trials.map { t in
                [studyID, t.number, SpecJSON.tags(t.experimentIDs), StoredJSON.text(assignment: t.params), t.state.rawValue, t.value]
            }
        }
    }

    public func experimentEnds(_ ids: [String]) throws -> [String: ExperimentEnd] {
        var ends: [String: ExperimentEnd] = [:]
        ends.reserveCapacity(ids.count)
        try pool.read { db in
            for slice in Self.idSlices(ids) {
                let rows = try Row.fetchCursor(db, sql: "SELECT id, status, summary, started_at, finished_at FROM experiment WHERE id IN (\(slice.marks))",
                                               arguments: slice.arguments)
                while let row = try rows.next() {
                    guard let status = ExperimentStatus(rawValue: row[1]) else { continue }
                    let summary = try (row[2] as String?).map { try StoredJSON.summaries.decode($0).value }
                    let started: Double? = row[3], finished: Double? = row[4]
                    ends[row[0]] = ExperimentEnd(status: status, summary: summary, startedAt: started.map(Date.init(timeIntervalSince1970:)),
                                                 finishedAt: finished.map(Date.init(timeIntervalSince1970:)))
                }
            }
        }
        return ends
    }

    /// Records trial ends; a trial already ended is left as it is.
    private static func record(_ ends: [TrialEnd], of studyID: String, _ db: Database) throws {
        guard !ends.isEmpty else { return }
        let statement = try db.makeStatement(sql: "UPDATE study_trial SET state = ?, value = ?, reports = ? WHERE study_id = ? AND number = ? AND state = 'running'")
        for end in ends {
            try statement.execute(arguments: [end.state.rawValue, end.value, try end.reports.map(JSONCoding.string), studyID, end.number])
        }
    }

    /// The trials numbered `first` and after that `held` does not describe (missing from it, or with another state).
    private static func trials(_ db: Database, _ studyID: String, from first: Int, notHeld held: [Int: TrialState]) throws -> [TrialRecord] {
        guard !held.isEmpty else { return try trials(db, studyID, from: first) }
        let rows = try Row.fetchAll(db, sql: "SELECT number, state FROM study_trial WHERE study_id = ? AND number >= ? ORDER BY number",
                                    arguments: [studyID, first])
        var changed: [TrialRecord] = []
        for row in rows {
            let number: Int = row["number"]
            guard held[number]?.rawValue != row["state"] as String else { continue }
            if let t = try Row.fetchOne(db, sql: "SELECT \(trialColumns) FROM study_trial WHERE study_id = ? AND number = ?", arguments: [studyID, number]) {
                changed.append(try trial(t, studyID))
            }
        }
        return changed
    }

    private static func trials(_ db: Database, _ studyID: String, from first: Int) throws -> [TrialRecord] {
        var trials: [TrialRecord] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT \(trialColumns) FROM study_trial WHERE study_id = ? AND number >= ? ORDER BY number",
                                       arguments: [studyID, first])
        while let row = try rows.next() { trials.append(try trial(row, studyID)) }
        return trials
    }

    /// The columns `trial(_:_:)` reads, in the order it reads them by index (by name, GRDB's lookup was a third of
    /// reading a 10,000-trial study).
    private static let trialColumns = "number, experiment_ids, params, state, value, reports"

    private static func trial(_ row: Row, _ studyID: String) throws -> TrialRecord {
        TrialRecord(studyID: studyID, number: row[0],
                    experimentIDs: try StoredJSON.strings(row[1] as String),
                    params: try StoredJSON.assignment(row[2] as String),
                    state: TrialState(rawValue: row[3]) ?? .failed, value: row[4],
                    reports: try (row[5] as String?).map { try JSONCoding.decode([PruneReport].self, $0, snakeCase: true) })
    }
}
