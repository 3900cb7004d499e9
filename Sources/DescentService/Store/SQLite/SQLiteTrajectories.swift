import DescentCore
import Foundation
import GRDB

/// Trajectory chunks and their summaries in SQLite: the statements every writer of chunks uses, and
/// the reads behind trajectory views.
extension SQLiteStore {
    /// Inserts one stored chunk (its rows, epoch records and summary levels) of experiment `id`; with `files`, data of
    /// at least `ChunkFiles.threshold` bytes goes to the file of the run's `attempt` and the row records where.
    static func insertChunk(_ db: Database, id: String, chunk: StoredChunk, table: String = "trajectory_chunk",
                            files: ChunkFiles.Appends? = nil, attempt: Int = 0) throws {
        try db.cachedStatement(sql: """
            INSERT INTO \(table) (experiment_id, chunk_index, first_step, last_step, rows, dimension, levels, epochs)
            VALUES (?,?,?,?,?,?,?,?)
            """).execute(arguments: [id, chunk.index, chunk.firstStep, chunk.lastStep, chunk.rows, chunk.dimension, chunk.summaries.count,
                             chunk.epochs.map { Data($0) }])
        if let files, chunk.data.count >= ChunkFiles.threshold {
            let offset = try files.append(chunk.data, id: id, attempt: attempt)
            try db.cachedStatement(sql: """
                INSERT INTO trajectory_chunk_data (experiment_id, chunk_index, data, file_attempt, file_offset, file_length) VALUES (?,?,?,?,?,?)
                """).execute(arguments: [id, chunk.index, Data(), attempt, offset, chunk.data.count])
        } else {
            try db.cachedStatement(sql: "INSERT INTO trajectory_chunk_data (experiment_id, chunk_index, data) VALUES (?,?,?)")
                .execute(arguments: [id, chunk.index, Data(chunk.data)])
        }
        for (level, blob) in chunk.summaries.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO trajectory_summary (experiment_id, level, chunk_index, data) VALUES (?,?,?,?)")
                .execute(arguments: [id, level, chunk.index, Data(blob)])
        }
    }

    /// Deletes every chunk and summary of experiment `id`, written by its attempts 1 … `attempts`; returns those
    /// attempts, whose chunk files the caller removes once the transaction has committed.
    static func deleteTrajectory(_ db: Database, id: String, attempts: Int) throws -> [DroppedAttempts] {
        for table in ["trajectory_summary", "trajectory_chunk_data", "trajectory_chunk"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE experiment_id = ?", arguments: [id])
        }
        return attempts < 1 ? [] : [DroppedAttempts(id: id, attempts: 1...attempts)]
    }

    /// Deletes the chunks and summaries of every running experiment (recovery at start); returns their attempts (as
    /// `deleteTrajectory`).
    static func deleteRunningTrajectories(_ db: Database) throws -> [DroppedAttempts] {
        let dropped = try Row.fetchAll(db, sql: "SELECT id, attempt FROM experiment WHERE status = 'running' AND attempt >= 1").map { row in
            DroppedAttempts(id: row[0], attempts: 1...(row[1] as Int))
        }
        try db.execute(sql: """
            DELETE FROM trajectory_summary WHERE experiment_id IN (SELECT id FROM experiment WHERE status = 'running');
            DELETE FROM trajectory_chunk_data WHERE experiment_id IN (SELECT id FROM experiment WHERE status = 'running');
            DELETE FROM trajectory_chunk WHERE experiment_id IN (SELECT id FROM experiment WHERE status = 'running');
            """)
        return dropped
    }

    /// Schema v3: chunks carry their step range, row count and epoch records in columns before the data, so
    /// a slice finds its chunks without reading any data; summaries get their own table, one row per
    /// (level, chunk). Chunks of the v1 format ("DTC1") are re-encoded.
    static func migrateChunksToV3(_ db: Database) throws {
        try db.execute(sql: StoredChunk.tablesDDL(chunkTable: "trajectory_chunk_v3", bigint: "INTEGER", bytes: "BLOB"))
        let ids = try String.fetchAll(db, sql: "SELECT DISTINCT experiment_id FROM trajectory_chunk")
        for id in ids {
            let blobs = try Data.fetchAll(db, sql: "SELECT data FROM trajectory_chunk WHERE experiment_id = ? ORDER BY chunk_index",
                                          arguments: [id])
            var encoder = TrajectoryEncoder()
            for blob in blobs {
                for chunk in encoder.encode(try TrajectoryCodec.decodeLegacy(Array(blob))) {
                    try insertChunk(db, id: id, chunk: chunk, table: "trajectory_chunk_v3")
                }
            }
        }
        try db.execute(sql: "DROP TABLE trajectory_chunk; ALTER TABLE trajectory_chunk_v3 RENAME TO trajectory_chunk")
    }

    public func chunkIndex(_ id: String) throws -> [ChunkInfo] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT chunk_index, rows, first_step, last_step, dimension, levels FROM trajectory_chunk WHERE experiment_id = ? ORDER BY chunk_index
                """, arguments: [id]).map { row in
                ChunkInfo(index: row[0], rows: row[1], firstStep: row[2], lastStep: row[3], dimension: row[4], levels: row[5])
            }
        }
    }

    public func chunkData(_ id: String, indices: ClosedRange<Int>) throws -> [[UInt8]] {
        // The rows first, then the files, outside the read transaction. A file is removed only after the transaction
        // that deleted its rows has committed, and only when the run is deleted or run again, whose trajectory a
        // reader then no longer asks for.
        let rows = try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT data, file_attempt, file_offset, file_length FROM trajectory_chunk_data
                WHERE experiment_id = ? AND chunk_index BETWEEN ? AND ? ORDER BY chunk_index
                """, arguments: [id, indices.lowerBound, indices.upperBound]).map { row -> ChunkPlace in
                if let attempt = row[1] as Int? { return .file(attempt: attempt, offset: row[2], length: row[3]) }
                return .row(Array(row[0] as Data))
            }
        }
        return try rows.map { place in
            switch place {
            case .row(let bytes): return bytes
            case .file(let attempt, let offset, let length): return try chunkFiles.read(id, attempt: attempt, offset: offset, length: length)
            }
        }
    }

    /// Where a chunk's bytes are.
    private enum ChunkPlace {
        case row([UInt8])
        case file(attempt: Int, offset: Int, length: Int)
    }

    public func summaryData(_ id: String, level: Int, indices: ClosedRange<Int>) throws -> [Int: [UInt8]] {
        try pool.read { db in
            var out: [Int: [UInt8]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT chunk_index, data FROM trajectory_summary
                WHERE experiment_id = ? AND level = ? AND chunk_index BETWEEN ? AND ?
                """, arguments: [id, level, indices.lowerBound, indices.upperBound]) {
                out[row[0]] = Array(row[1] as Data)
            }
            return out
        }
    }

    public func recordBlobs(_ id: String) throws -> [[UInt8]] {
        let blobs = try pool.read { db in
            try Data.fetchAll(db, sql: """
                SELECT epochs FROM trajectory_chunk WHERE experiment_id = ? AND epochs IS NOT NULL ORDER BY chunk_index
                """, arguments: [id])
        }
        return blobs.map { Array($0) }
    }
}

/// An experiment's attempts whose chunks a transaction deleted: their chunk files go once it has committed.
struct DroppedAttempts: Sendable {
    let id: String
    let attempts: ClosedRange<Int>
}
