import DescentCore
import Foundation

/// Trajectory chunks and their summaries in PostgreSQL: the statements every writer of chunks uses, and
/// the reads behind trajectory views. Same layout as in SQLite (see `SQLiteStore.migrateChunksToV3`).
extension PostgresStore {
    /// Inserts one stored chunk (its rows, epoch records and summary levels) of experiment `id`.
    static func insertChunk(_ c: PGConnection, id: String, chunk: StoredChunk, table: String = "trajectory_chunk") throws {
        try c.execute("""
            INSERT INTO \(table) (experiment_id, chunk_index, first_step, last_step, rows, dimension, levels, epochs)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [.text(id), PGValue(chunk.index), PGValue(chunk.firstStep), PGValue(chunk.lastStep), PGValue(chunk.rows), PGValue(chunk.dimension),
                  PGValue(chunk.summaries.count), chunk.epochs.map { .bytes(Data($0)) } ?? .null])
        try c.execute("INSERT INTO trajectory_chunk_data (experiment_id, chunk_index, data) VALUES ($1, $2, $3)",
                      [.text(id), PGValue(chunk.index), .bytes(Data(chunk.data))])
        for (level, blob) in chunk.summaries.enumerated() {
            try c.execute("INSERT INTO trajectory_summary (experiment_id, level, chunk_index, data) VALUES ($1, $2, $3, $4)",
                          [.text(id), PGValue(level), PGValue(chunk.index), .bytes(Data(blob))])
        }
    }

    /// Deletes every chunk and summary of experiment `id`.
    static func deleteTrajectory(_ c: PGConnection, id: String) throws {
        for table in ["trajectory_summary", "trajectory_chunk_data", "trajectory_chunk"] {
            try c.execute("DELETE FROM \(table) WHERE experiment_id = $1", [.text(id)])
        }
    }

    /// Deletes the chunks and summaries of every running experiment (recovery at start).
    static func deleteRunningTrajectories(_ c: PGConnection) throws {
        for table in ["trajectory_summary", "trajectory_chunk_data", "trajectory_chunk"] {
            try c.execute("DELETE FROM \(table) WHERE experiment_id IN (SELECT id FROM experiment WHERE status = 'running')")
        }
    }

    /// Schema v4's SQL: chunks with step range, row count and epoch records beside the data; summaries in
    /// their own table. `convertLegacyChunks` then moves v1 chunks over.
    static let chunkFormatMigration = StoredChunk.tablesDDL(chunkTable: "trajectory_chunk_v4", bigint: "BIGINT", bytes: "BYTEA") + """
        -- Chunks and summaries are compressed already: store them out of line without trying again.
        ALTER TABLE trajectory_chunk_data ALTER COLUMN data SET STORAGE EXTERNAL;
        ALTER TABLE trajectory_summary ALTER COLUMN data SET STORAGE EXTERNAL;
        """

    /// Re-encodes the v1 chunks ("DTC1") into the v4 tables, then replaces the old table (inside the
    /// migration's transaction).
    static func convertLegacyChunks(_ c: PGConnection) throws {
        let ids = try c.execute("SELECT DISTINCT experiment_id FROM trajectory_chunk")
        for i in 0..<ids.count {
            guard let id = ids.string(i, "experiment_id") else { continue }
            let blobs = try c.execute("SELECT data FROM trajectory_chunk WHERE experiment_id = $1 ORDER BY chunk_index",
                                      [.text(id)], binary: true)
            var encoder = TrajectoryEncoder()
            for j in 0..<blobs.count {
                guard let blob = blobs.bytes(j, "data") else { continue }
                for chunk in encoder.encode(try TrajectoryCodec.decodeLegacy(Array(blob))) {
                    try insertChunk(c, id: id, chunk: chunk, table: "trajectory_chunk_v4")
                }
            }
        }
        try c.executeScript("DROP TABLE trajectory_chunk; ALTER TABLE trajectory_chunk_v4 RENAME TO trajectory_chunk;")
    }

    public func chunkIndex(_ id: String) throws -> [ChunkInfo] {
        let rows = try pool.with { c in
            try c.execute("""
                SELECT chunk_index, rows, first_step, last_step, dimension, levels FROM trajectory_chunk WHERE experiment_id = $1 ORDER BY chunk_index
                """, [.text(id)])
        }
        return try (0..<rows.count).map { i in
            guard let index = rows.int(i, "chunk_index"), let n = rows.int(i, "rows"), let first = rows.int(i, "first_step"),
                  let last = rows.int(i, "last_step"), let dimension = rows.int(i, "dimension"), let levels = rows.int(i, "levels")
            else { throw TrajectoryCodec.DecodeError(reason: "chunk row with a missing column") }
            return ChunkInfo(index: index, rows: n, firstStep: first, lastStep: last, dimension: dimension, levels: levels)
        }
    }

    public func chunkData(_ id: String, indices: ClosedRange<Int>) throws -> [[UInt8]] {
        let rows = try pool.with { c in
            try c.execute("""
                SELECT data FROM trajectory_chunk_data WHERE experiment_id = $1 AND chunk_index BETWEEN $2 AND $3 ORDER BY chunk_index
                """, [.text(id), PGValue(indices.lowerBound), PGValue(indices.upperBound)], binary: true)
        }
        return (0..<rows.count).compactMap { rows.bytes($0, "data").map { Array($0) } }
    }

    public func summaryData(_ id: String, level: Int, indices: ClosedRange<Int>) throws -> [Int: [UInt8]] {
        let rows = try pool.with { c in
            try c.execute("""
                SELECT chunk_index::int8 AS chunk_index, data FROM trajectory_summary
                WHERE experiment_id = $1 AND level = $2 AND chunk_index BETWEEN $3 AND $4
                """, [.text(id), PGValue(level), PGValue(indices.lowerBound), PGValue(indices.upperBound)], binary: true)
        }
        var out: [Int: [UInt8]] = [:]
        for i in 0..<rows.count {
            guard let raw = rows.bytes(i, "chunk_index"), raw.count == 8, let data = rows.bytes(i, "data") else { continue }
            let index = raw.withUnsafeBytes { Int(Int64(bigEndian: $0.loadUnaligned(as: Int64.self))) }
            out[index] = Array(data)
        }
        return out
    }

    public func recordBlobs(_ id: String) throws -> [[UInt8]] {
        let rows = try pool.with { c in
            try c.execute("""
                SELECT epochs FROM trajectory_chunk WHERE experiment_id = $1 AND epochs IS NOT NULL ORDER BY chunk_index
                """, [.text(id)], binary: true)
        }
        return (0..<rows.count).compactMap { i in rows.bytes(i, "epochs").map { Array($0) } }
    }
}
