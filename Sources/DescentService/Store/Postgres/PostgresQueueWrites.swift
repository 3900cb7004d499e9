import DescentCore
import Foundation

/// Group commit in PostgreSQL: the chunks and results of many leased runs in one transaction, fenced with
/// two statements for all of them (one for results, one for progress), then the chunk inserts.
extension PostgresStore {
    public func commit(_ writes: [QueueWrite], leaseSeconds: Double) throws -> [Bool] {
        guard !writes.isEmpty else { return [] }
        let groups = writes.groupedByLease()
        var results: [ResultRow] = [], progress: [ProgressRow] = []
        for (lease, positions) in groups {
            var stepsDone = 0
            var outcome: RunOutcome?
            for i in positions {
                switch writes[i] {
                case .chunk(_, _, let steps): stepsDone = max(stepsDone, steps)
                case .result(_, let o): outcome = o
                }
            }
            if let o = outcome {
                results.append(ResultRow(id: lease.id, attempt: lease.attempt, status: o.status.rawValue,
                                         summary: o.summary.map(StoredJSON.summaries.remember), errorCode: o.errorCode,
                                         errorMessage: o.errorMessage, stepsDone: o.stepsDone))
            } else {
                progress.append(ProgressRow(id: lease.id, attempt: lease.attempt, stepsDone: stepsDone))
            }
        }
        let resultJSON = try JSONCoding.string(results), progressJSON = try JSONCoding.string(progress)
        let finishedAt = Date().timeIntervalSince1970
        return try queuePool.with { c in
            try c.transaction {
                // Each UPDATE both fences (the attempt must still be ours) and row-locks the experiment, so a
                // concurrent claim of one of them either waits for this commit or makes its writes write nothing.
                var held = Set<String>()
                if !results.isEmpty {
                    let rows = try c.execute("""
                        UPDATE experiment e SET status = x.status, summary = x.summary, error_code = x.error_code,
                          error_message = x.error_message, finished_at = $2, steps_done = x.steps_done,
                          lease_owner = NULL, lease_expires = NULL
                        FROM json_to_recordset($1::json) AS x(id text, attempt int, status text, summary text, error_code text,
                          error_message text, steps_done bigint)
                        WHERE e.id = x.id AND e.attempt = x.attempt AND e.status = 'running' RETURNING e.id
                        """, [.text(resultJSON), PGValue(finishedAt)])
                    for i in 0..<rows.count { if let id = rows.string(i, "id") { held.insert(id) } }
                }
                if !progress.isEmpty {
                    let rows = try c.execute("""
                        UPDATE experiment e SET steps_done = x.steps_done, lease_expires = \(Self.now) + $2
                        FROM json_to_recordset($1::json) AS x(id text, attempt int, steps_done bigint)
                        WHERE e.id = x.id AND e.attempt = x.attempt AND e.status = 'running' RETURNING e.id
                        """, [.text(progressJSON), PGValue(leaseSeconds)])
                    for i in 0..<rows.count { if let id = rows.string(i, "id") { held.insert(id) } }
                }
                var written = [Bool](repeating: false, count: writes.count)
                for (lease, positions) in groups where held.contains(lease.id) {
                    for i in positions {
                        if case .chunk(_, let chunk, _) = writes[i] { try Self.insertChunk(c, id: lease.id, chunk: chunk) }
                        written[i] = true
                    }
                }
                return written
            }
        }
    }

    /// A run's result as the commit sends it (snake_case keys are the column names).
    private struct ResultRow: Encodable {
        var id: String, attempt: Int, status: String, summary: String?, errorCode: String?, errorMessage: String?, stepsDone: Int
    }

    /// A run's progress as the commit sends it.
    private struct ProgressRow: Encodable {
        var id: String, attempt: Int, stepsDone: Int
    }
}
