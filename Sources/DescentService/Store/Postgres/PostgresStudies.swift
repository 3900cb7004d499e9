import DescentCore
import Foundation

/// Studies and the trials of search studies in PostgreSQL. A search step locks its study's row
/// (`SELECT … FOR UPDATE`) for its transaction, so steps of one study are serialized across instances while
/// different studies advance in parallel; the (study_id, number) key would reject a duplicate trial anyway.
extension PostgresStore {
    /// Migration 5: a study's search definition and state, and its trials.
    static let studySearchMigration = """
        ALTER TABLE study ADD COLUMN definition TEXT;
        ALTER TABLE study ADD COLUMN search_state TEXT;
        CREATE INDEX study_searching ON study (search_state) WHERE search_state = 'searching';
        CREATE TABLE study_trial (
          study_id TEXT NOT NULL REFERENCES study (id) ON DELETE CASCADE,
          number INTEGER NOT NULL,
          experiment_ids JSONB NOT NULL,
          params TEXT NOT NULL,
          state TEXT NOT NULL,
          value DOUBLE PRECISION,
          PRIMARY KEY (study_id, number));
        """

    public func insertStudy(_ s: StudyRecord) throws {
        let params: [PGValue] = [
            .text(s.id), .text(s.name), PGValue(s.createdAt.timeIntervalSince1970), .text(try JSONCoding.string(s.experimentIDs)),
            .text(try JSONCoding.string(s.labels)), PGValue(s.lossTarget), PGValue(s.definition), PGValue(s.searchState?.rawValue),
        ]
        try pool.with { c in
            try c.execute("""
                INSERT INTO study (id, name, created_at, experiment_ids, labels, loss_target, definition, search_state)
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
                """, params)
        }
    }

    public func study(_ id: String) throws -> StudyRecord? {
        let rows = try pool.with { try $0.execute("SELECT * FROM study WHERE id = $1", [.text(id)]) }
        return rows.isEmpty ? nil : try Self.study(rows, 0)
    }

    public func studies(_ q: StudyQuery) throws -> [StudyRecord] {
        var sql = "SELECT * FROM study WHERE true"
        var params: [PGValue] = []
        func bind(_ v: PGValue) -> String { params.append(v); return "$\(params.count)" }
        if let name = q.name { sql += " AND \(Self.folded("name")) = \(bind(.text(ExperimentQuery.folded(name))))" }
        switch q.kind {
        case .search?: sql += " AND definition IS NOT NULL"
        case .list?: sql += " AND definition IS NULL"
        case nil: break
        }
        if let state = q.state { sql += " AND search_state = \(bind(.text(state.rawValue)))" }
        if let after = q.after {
            let t = bind(PGValue(after.createdAt))
            sql += " AND (created_at < \(t)::float8 OR (created_at = \(t)::float8 AND id < \(bind(.text(after.id)))))"
        }
        sql += " ORDER BY created_at DESC, id DESC LIMIT \(bind(PGValue(q.limit)))"
        let rows = try pool.with { try $0.execute(sql, params) }
        return try (0..<rows.count).map { try Self.study(rows, $0) }
    }

    private static func study(_ rows: PGRows, _ i: Int) throws -> StudyRecord {
        guard let sid = rows.string(i, "id"), let name = rows.string(i, "name"), let created = rows.double(i, "created_at")
        else { throw CorruptRow(column: "study") }
        return StudyRecord(id: sid, name: name, createdAt: Date(timeIntervalSince1970: created),
                           experimentIDs: try StoredJSON.strings(rows.string(i, "experiment_ids") ?? "[]"),
                           labels: try StoredJSON.strings(rows.string(i, "labels") ?? "[]"),
                           lossTarget: rows.double(i, "loss_target"), definition: rows.string(i, "definition"),
                           searchState: rows.string(i, "search_state").flatMap(SearchState.init(rawValue:)))
    }

    public func activeSearches() throws -> [String] {
        let rows = try pool.with { try $0.execute("SELECT id FROM study WHERE search_state = 'searching' ORDER BY created_at, id") }
        return (0..<rows.count).compactMap { rows.string($0, "id") }
    }

    public func trials(_ studyID: String, from first: Int) throws -> [TrialRecord] {
        try pool.with { try Self.trials($0, studyID, from: first) }
    }

    public func endTrial(_ studyID: String, number: Int, state: TrialState, value: Double?, reports: [PruneReport]?) throws {
        let end = TrialEnd(number: number, state: state, value: value, reports: reports)
        try pool.with { c in try Self.record([end], of: studyID, c) }
    }

    public func advanceSearch(_ studyID: String, ending ends: [TrialEnd], from first: Int, holding held: [Int: TrialState],
                              planned: SearchStep?, claiming: StepClaim?, _ propose: ([TrialRecord]) throws -> SearchStep) throws -> SearchStep {
        // `claiming` is not taken up: every instance's workers share the queue (`FOR UPDATE SKIP LOCKED`), and runs
        // claimed here for one instance would wait for its workers while another instance's were idle.
        try pool.with { c in
            try c.transaction {
                try c.execute("SELECT id FROM study WHERE id = $1 FOR UPDATE", [.text(studyID)])
                try Self.record(ends, of: studyID, c)
                let changed = try Self.trials(c, studyID, from: first, notHeld: held)
                let step = if changed.isEmpty, let planned { planned } else { try propose(changed) }
                if !step.experiments.isEmpty { try Self.insertRows(c, try Self.rowsJSON(step.experiments)) }
                for t in step.trials {
                    try c.execute("""
                        INSERT INTO study_trial (study_id, number, experiment_ids, params, state, value) VALUES ($1,$2,$3,$4,$5,$6)
                        """, [.text(studyID), PGValue(t.number), .text(SpecJSON.tags(t.experimentIDs)),
                              .text(StoredJSON.text(assignment: t.params)), .text(t.state.rawValue), PGValue(t.value)])
                }
                if step.finished { try c.execute("UPDATE study SET search_state = 'finished' WHERE id = $1", [.text(studyID)]) }
                return step
            }
        }
    }

    public func experimentEnds(_ ids: [String]) throws -> [String: ExperimentEnd] {
        guard !ids.isEmpty else { return [:] }
        let rows = try pool.with { try $0.execute("SELECT id, status, summary, started_at, finished_at FROM experiment WHERE id = ANY($1::text[])", [Self.idArray(ids)]) }
        var ends: [String: ExperimentEnd] = [:]
        for i in 0..<rows.count {
            guard let id = rows.string(i, "id"), let status = rows.string(i, "status").flatMap(ExperimentStatus.init(rawValue:)) else { continue }
            let summary = try rows.string(i, "summary").map { try StoredJSON.summaries.decode($0).value }
            ends[id] = ExperimentEnd(status: status, summary: summary, startedAt: rows.double(i, "started_at").map(Date.init(timeIntervalSince1970:)),
                                     finishedAt: rows.double(i, "finished_at").map(Date.init(timeIntervalSince1970:)))
        }
        return ends
    }

    /// Records trial ends; a trial already ended is left as it is.
    private static func record(_ ends: [TrialEnd], of studyID: String, _ c: PGConnection) throws {
        for end in ends {
            try c.execute("""
                UPDATE study_trial SET state = $1, value = $2, reports = $3 WHERE study_id = $4 AND number = $5 AND state = 'running'
                """, [.text(end.state.rawValue), PGValue(end.value), PGValue(try end.reports.map(JSONCoding.string)), .text(studyID),
                      PGValue(end.number)])
        }
    }

    /// The trials numbered `first` and after that `held` does not describe (missing from it, or with another state).
    private static func trials(_ c: PGConnection, _ studyID: String, from first: Int, notHeld held: [Int: TrialState]) throws -> [TrialRecord] {
        guard !held.isEmpty else { return try trials(c, studyID, from: first) }
        let rows = try c.execute("SELECT number, state FROM study_trial WHERE study_id = $1 AND number >= $2 ORDER BY number",
                                 [.text(studyID), PGValue(first)])
        let numbers = (0..<rows.count).compactMap { i -> Int? in
            guard let n = rows.int(i, "number"), held[n]?.rawValue != rows.string(i, "state") else { return nil }
            return n
        }
        guard !numbers.isEmpty else { return [] }
        let list = "{" + numbers.map(String.init).joined(separator: ",") + "}"
        let changed = try c.execute("SELECT * FROM study_trial WHERE study_id = $1 AND number = ANY($2::int[]) ORDER BY number",
                                    [.text(studyID), .text(list)])
        return try (0..<changed.count).map { try trial(changed, $0, studyID) }
    }

    private static func trials(_ c: PGConnection, _ studyID: String, from first: Int) throws -> [TrialRecord] {
        let rows = try c.execute("SELECT * FROM study_trial WHERE study_id = $1 AND number >= $2 ORDER BY number",
                                 [.text(studyID), PGValue(first)])
        return try (0..<rows.count).map { try trial(rows, $0, studyID) }
    }

    private static func trial(_ rows: PGRows, _ i: Int, _ studyID: String) throws -> TrialRecord {
        TrialRecord(studyID: studyID, number: rows.int(i, "number") ?? 0,
                    experimentIDs: try StoredJSON.strings(rows.string(i, "experiment_ids") ?? "[]"),
                    params: try StoredJSON.assignment(rows.string(i, "params") ?? "{}"),
                    state: rows.string(i, "state").flatMap(TrialState.init(rawValue:)) ?? .failed, value: rows.double(i, "value"),
                    reports: try rows.string(i, "reports").map { try JSONCoding.decode([PruneReport].self, $0, snakeCase: true) })
    }
}
