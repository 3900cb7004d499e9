import DescentCore
import Foundation
import GRDB

/// Group commit in SQLite: the chunks and results of many leased runs in one write transaction.
extension SQLiteStore {
    public func commit(_ writes: [QueueWrite], leaseSeconds: Double) throws -> [Bool] {
        guard !writes.isEmpty else { return [] }
        let files = ChunkFiles.Appends(chunkFiles)
        return try pool.write { db in
            var held = [Bool](repeating: false, count: writes.count)
            let now = Date().timeIntervalSince1970
            for (lease, positions) in writes.groupedByLease() {
                // One UPDATE per run fences all of its writes in this transaction (SQLite has one writer, so
                // nothing can take the lease between it and the inserts). Its statements and the inserts' are
                // cached: preparing them again per run (parse and GRDB's per-column authoriser) cost more than
                // running them.
                guard try Self.fence(db, lease: lease, writes: positions.map { writes[$0] }, now: now, leaseSeconds: leaseSeconds)
                else { continue }
                for i in positions {
                    if case .chunk(_, let chunk, _) = writes[i] {
                        try Self.insertChunk(db, id: lease.id, chunk: chunk, files: files, attempt: lease.attempt)
                    }
                    held[i] = true
                }
            }
            // On disk before the rows that point at them commit.
            try files.finish()
            return held
        }
    }

    /// Ends the run with its result when `writes` hold one, else records its progress and extends the lease;
    /// false when the lease is no longer held.
    private static func fence(_ db: Database, lease: Lease, writes: [QueueWrite], now: Double, leaseSeconds: Double) throws -> Bool {
        let result = writes.lazy.compactMap { write -> RunOutcome? in
            if case .result(_, let outcome) = write { return outcome } else { return nil }
        }.first
        if let result {
            try db.cachedStatement(sql: """
                UPDATE experiment SET status = ?, summary = ?, error_code = ?, error_message = ?, finished_at = ?, steps_done = ?,
                  lease_owner = NULL, lease_expires = NULL WHERE id = ? AND attempt = ? AND status = 'running'
                """).execute(arguments: [result.status.rawValue, result.summary.map(StoredJSON.summaries.remember), result.errorCode,
                                 result.errorMessage, now, result.stepsDone, lease.id, lease.attempt])
        } else {
            let stepsDone = writes.reduce(0) { done, write in
                if case .chunk(_, _, let steps) = write { return max(done, steps) } else { return done }
            }
            try db.cachedStatement(sql: """
                UPDATE experiment SET steps_done = ?, lease_expires = ? WHERE id = ? AND attempt = ? AND status = 'running'
                """).execute(arguments: [stepsDone, now + leaseSeconds, lease.id, lease.attempt])
        }
        return db.changesCount == 1
    }
}
