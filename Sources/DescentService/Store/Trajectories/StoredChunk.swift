import DescentCore
import Foundation

/// One trajectory chunk in its stored form: encoded columns plus what a reader needs to find and
/// summarise it without decoding it (step range, row count, summary levels, epoch records).
///
/// Built on the worker thread that recorded the rows (`TrajectoryEncoder`), so the store's writer only
/// inserts bytes.
public struct StoredChunk: Sendable, Equatable {
    /// Position of the chunk in its run, from 0.
    public var index: Int
    /// Number of rows.
    public var rows: Int
    /// Parameters per row of the run.
    public var dimension: Int
    /// Step of the first row (−1 for a chunk holding only epoch records).
    public var firstStep: Int
    /// Step of the last row (−1 for a chunk holding only epoch records).
    public var lastStep: Int
    /// The encoded columns (`TrajectoryCodec`).
    public var data: [UInt8]
    /// Encoded epoch records, nil when the chunk has none.
    public var epochs: [UInt8]?
    /// Encoded bucket summaries of this chunk's rows, one blob per level (finest first).
    public var summaries: [[UInt8]]

    /// Encodes `records` as chunk `index` of its run.
    public init(index: Int, records: Trajectory) {
        self.index = index
        rows = records.count
        dimension = records.dimension
        firstStep = records.step.first ?? -1
        lastStep = records.step.last ?? -1
        data = TrajectoryCodec.encode(records)
        epochs = records.epochs.isEmpty && records.sharpness.isEmpty && records.layerStats.isEmpty
            ? nil : TrajectoryCodec.encodeEpochs(records.epochs, sharpness: records.sharpness, layerStats: records.layerStats)
        summaries = TrajectorySummary.levels(of: records).map { TrajectorySummary.encode($0, of: records) }
    }
}

extension StoredChunk {
    /// The tables chunks and summaries are stored in, the same in both backends but for the names of the
    /// 64-bit integer and byte-string types. A chunk's description (step range, rows, epoch records) and its
    /// data live in separate tables, so listing a run's chunks reads small rows only, whatever the page size.
    static func tablesDDL(chunkTable: String, bigint: String, bytes: String) -> String {
        """
        CREATE TABLE \(chunkTable) (
          experiment_id TEXT NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
          chunk_index INTEGER NOT NULL,
          first_step \(bigint) NOT NULL,
          last_step \(bigint) NOT NULL,
          rows INTEGER NOT NULL,
          dimension INTEGER NOT NULL,
          levels INTEGER NOT NULL,
          epochs \(bytes),
          PRIMARY KEY (experiment_id, chunk_index));
        CREATE TABLE trajectory_chunk_data (
          experiment_id TEXT NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
          chunk_index INTEGER NOT NULL,
          data \(bytes) NOT NULL,
          PRIMARY KEY (experiment_id, chunk_index));
        CREATE TABLE trajectory_summary (
          experiment_id TEXT NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
          level INTEGER NOT NULL,
          chunk_index INTEGER NOT NULL,
          data \(bytes) NOT NULL,
          PRIMARY KEY (experiment_id, level, chunk_index));

        """
    }
}

/// Turns the rows a run records into stored chunks of bounded size, numbered in order.
public struct TrajectoryEncoder: Sendable {
    /// Most rows in one stored chunk: a slice of a long run decodes at most this many rows per chunk it touches.
    public static let maxRowsPerChunk = 8192
    /// Index the next chunk gets.
    public private(set) var nextIndex = 0

    /// An encoder for a new run.
    public init() {}

    /// Splits `records` into chunks of at most `maxRowsPerChunk` rows (epoch, sharpness and layer-statistics records go with the last one).
    public mutating func encode(_ records: Trajectory) -> [StoredChunk] {
        guard records.count > Self.maxRowsPerChunk else {
            defer { nextIndex += 1 }
            return [StoredChunk(index: nextIndex, records: records)]
        }
        var out: [StoredChunk] = []
        var start = 0
        while start < records.count {
            let end = min(records.count, start + Self.maxRowsPerChunk)
            var part = records.rows(start..<end)
            if end == records.count {
                part.epochs = records.epochs; part.sharpness = records.sharpness; part.layerStats = records.layerStats
            }
            out.append(StoredChunk(index: nextIndex, records: part))
            nextIndex += 1
            start = end
        }
        return out
    }
}
