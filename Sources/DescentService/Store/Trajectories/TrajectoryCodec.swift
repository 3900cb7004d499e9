import DescentCore
import Foundation

/// The stored form of a chunk's rows ("DTC2"), each column encoded on its own so a reader decodes only the
/// columns it needs (all integers little-endian):
///
/// ```
/// u32 magic "DTC2" | u32 rows | u32 dimension | u8 flags (1: parameters recorded) | u8 k (optimizer internals)
/// directory, one entry per column (step, epoch, lr, loss, grad_norm, then p0 … p(d−1) when recorded, then the
/// k internal columns):
///   u8 encoding (ColumnCodec.Encoding) | u32 byte length
/// the columns' bytes, in directory order
/// when k > 0: the k internal columns' names, each u8 byte length | UTF-8 bytes
/// ```
/// Chunks written before internals existed have k = 0 (the byte was reserved and written as 0).
/// Epoch, sharpness and layer-statistics records are stored beside the chunk (`encodeEpochs`), not in it.
public enum TrajectoryCodec {
    /// Errors reading a chunk.
    public struct DecodeError: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public let reason: String
        public var description: String { "trajectory chunk: \(reason)" }
    }

    private static let magic: UInt32 = 0x3243_5444  // "DTC2"
    private static let legacyMagic: UInt32 = 0x3143_5444  // "DTC1"
    private static let headerSize = 14
    private static let entrySize = 5

    /// Encodes the rows of `t` (not its epoch records).
    public static func encode(_ t: Trajectory) -> [UInt8] {
        let rows = t.count
        let hasParams = !t.params.isEmpty && t.dimension > 0
        let k = t.internals.isEmpty ? 0 : t.internalNames.count
        let columns = 5 + (hasParams ? t.dimension : 0) + k
        var out: [UInt8] = []
        // Room for what float columns usually take (under 6 bytes a value: their low mantissa bytes are noise; lr is
        // one run), so the buffer is allocated once: growing it copied each long chunk once more and touched fresh
        // pages twice (a tenth of a worker's time on a study recording every step).
        out.reserveCapacity(headerSize + columns * entrySize + 64 + rows * (8 + 6 * (columns - 3)))
        out.putRaw(magic)
        out.putRaw(UInt32(rows))
        out.putRaw(UInt32(t.dimension))
        out.append(hasParams ? 1 : 0)
        out.append(UInt8(k))
        out.append(contentsOf: repeatElement(0, count: columns * entrySize))
        var column = 0
        func finish(_ start: Int, _ encoding: ColumnCodec.Encoding) {
            let entry = headerSize + column * entrySize
            out[entry] = encoding.rawValue
            let length = UInt32(out.count - start)
            for b in 0..<4 { out[entry + 1 + b] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(b))) }
            column += 1
        }
        for ints in [t.step, t.epoch] {
            let start = out.count
            finish(start, ints.withUnsafeBufferPointer { ColumnCodec.encode(ints: $0, into: &out) })
        }
        for doubles in [t.lr, t.loss, t.gradNorm] {
            let start = out.count
            finish(start, doubles.withUnsafeBufferPointer { ColumnCodec.encode(doubles: $0.baseAddress!, count: rows, into: &out) })
        }
        if hasParams {
            t.params.withUnsafeBufferPointer { p in
                for j in 0..<t.dimension {
                    let start = out.count
                    finish(start, ColumnCodec.encode(doubles: p.baseAddress! + j, count: rows, stride: t.dimension, into: &out))
                }
            }
        }
        if k > 0 {
            t.internals.withUnsafeBufferPointer { q in
                for j in 0..<k {
                    let start = out.count
                    finish(start, ColumnCodec.encode(doubles: q.baseAddress! + j, count: rows, stride: k, into: &out))
                }
            }
            for name in t.internalNames {
                let bytes = Array(name.utf8.prefix(255))
                out.append(UInt8(bytes.count))
                out += bytes
            }
        }
        return out
    }

    /// A parsed chunk header: where each column's bytes are.
    struct Layout {
        let rows: Int
        let dimension: Int
        let hasParams: Bool
        let entries: [(encoding: ColumnCodec.Encoding, range: Range<Int>)]
        /// The optimizer-internals columns' names (their entries are the last ones).
        let internalNames: [String]
    }

    /// Reads the header and column directory of an encoded chunk.
    static func layout(_ raw: UnsafeRawBufferPointer) throws -> Layout {
        var r = ByteReader(raw)
        let m = try r.u32()
        guard m == magic else { throw DecodeError(reason: m == legacyMagic ? "v1 chunk (not migrated)" : "bad magic") }
        let rows = Int(try r.u32()), dimension = Int(try r.u32())
        let hasParams = try r.u8() & 1 != 0
        let k = Int(try r.u8())
        let columns = 5 + (hasParams ? dimension : 0) + k
        var entries: [(encoding: ColumnCodec.Encoding, range: Range<Int>)] = []
        entries.reserveCapacity(columns)
        var offset = headerSize + columns * entrySize
        for _ in 0..<columns {
            guard let encoding = ColumnCodec.Encoding(rawValue: try r.u8()) else { throw DecodeError(reason: "unknown encoding") }
            let length = Int(try r.u32())
            guard offset + length <= raw.count else { throw DecodeError(reason: "truncated chunk") }
            entries.append((encoding, offset..<(offset + length)))
            offset += length
        }
        var names: [String] = []
        if k > 0 {
            r.offset = offset
            for _ in 0..<k {
                let length = Int(try r.u8())
                names.append(String(decoding: try r.bytes(length), as: UTF8.self))
            }
        }
        return Layout(rows: rows, dimension: dimension, hasParams: hasParams, entries: entries, internalNames: names)
    }

    /// Decodes the columns in `columns` of a chunk and appends them to `t` (other columns stay untouched).
    /// Parameter columns are decoded only when every `.param` is requested via `params`, the optimizer internals
    /// (when the chunk has them) only with `internals`.
    static func decode(_ bytes: UnsafeRawBufferPointer, step: Bool = true, epoch: Bool = true, lr: Bool = true, loss: Bool = true,
                       gradNorm: Bool = true, params: Bool = true, internals: Bool = true, into t: inout Trajectory) throws {
        let l = try layout(bytes)
        guard l.dimension == t.dimension else { throw DecodeError(reason: "dimension \(l.dimension) ≠ \(t.dimension)") }
        func slice(_ c: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[l.entries[c].range]) }
        if step { try ColumnCodec.decodeInts(slice(0), encoding: l.entries[0].encoding, rows: l.rows, into: &t.step) }
        if epoch { try ColumnCodec.decodeInts(slice(1), encoding: l.entries[1].encoding, rows: l.rows, into: &t.epoch) }
        for (c, wanted) in [(2, lr), (3, loss), (4, gradNorm)] where wanted {
            var column: [Double] = []
            column.reserveCapacity(l.rows)
            try ColumnCodec.decodeDoubles(slice(c), encoding: l.entries[c].encoding, rows: l.rows) { _, v in column.append(v) }
            switch c {
            case 2: t.lr += column
            case 3: t.loss += column
            default: t.gradNorm += column
            }
        }
        if params && l.hasParams {
            let d = l.dimension, base = t.params.count
            t.params.append(contentsOf: repeatElement(0, count: l.rows * d))
            try t.params.withUnsafeMutableBufferPointer { p in
                for j in 0..<d {
                    try ColumnCodec.decodeDoubles(slice(5 + j), encoding: l.entries[5 + j].encoding, rows: l.rows) { i, v in
                        p[base + i * d + j] = v
                    }
                }
            }
        }
        let k = l.internalNames.count
        if internals && k > 0 {
            if t.internalNames.isEmpty { t.internalNames = l.internalNames }
            guard t.internalNames == l.internalNames else { throw DecodeError(reason: "internal columns differ between chunks") }
            let first = 5 + (l.hasParams ? l.dimension : 0), base = t.internals.count
            t.internals.append(contentsOf: repeatElement(0, count: l.rows * k))
            try t.internals.withUnsafeMutableBufferPointer { q in
                for j in 0..<k {
                    try ColumnCodec.decodeDoubles(slice(first + j), encoding: l.entries[first + j].encoding, rows: l.rows) { i, v in
                        q[base + i * k + j] = v
                    }
                }
            }
        }
    }

    /// Decodes a whole chunk's rows and appends them to `into`.
    public static func decode(_ data: Data, into t: inout Trajectory) throws {
        try data.withUnsafeBytes { try decode($0, into: &t) }
    }

    /// Encodes epoch records: u32 count, then per record i64 epoch | i64 step | f64 trainLoss | u8 flags
    /// (1: validation loss, 2: accuracy) | f64 | f64; then, when there are sharpness records, a section
    /// u8 tag 1 | u32 count | per record i64 step | f64 lr | f64 λmax | f64 alignment; then, when there are
    /// layer statistics, a section u8 tag 2 | u32 count | per record i64 step | u32 layer | f64 mean | f64 std |
    /// u8 flags (1: normalised statistics) | f64 normalised mean | f64 normalised std. Readers of the epoch
    /// records stop after them and readers of one section skip the others, so blobs written before a section
    /// existed read the same.
    public static func encodeEpochs(_ epochs: [EpochRecord], sharpness: [SharpnessRecord] = [],
                                    layerStats: [LayerStatsRecord] = []) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + epochs.count * 41 + (sharpness.isEmpty ? 0 : 5 + sharpness.count * 32)
                            + (layerStats.isEmpty ? 0 : 5 + layerStats.count * layerStatsSize))
        out.putRaw(UInt32(epochs.count))
        for e in epochs {
            out.putRaw(UInt64(bitPattern: Int64(e.epoch)))
            out.putRaw(UInt64(bitPattern: Int64(e.step)))
            out.putRaw(e.trainLoss.bitPattern)
            out.append((e.validationLoss == nil ? 0 : 1) | (e.validationAccuracy == nil ? 0 : 2))
            out.putRaw((e.validationLoss ?? 0).bitPattern)
            out.putRaw((e.validationAccuracy ?? 0).bitPattern)
        }
        if !sharpness.isEmpty {
            out.append(sharpnessTag)
            out.putRaw(UInt32(sharpness.count))
            for r in sharpness {
                out.putRaw(UInt64(bitPattern: Int64(r.step)))
                out.putRaw(r.lr.bitPattern); out.putRaw(r.lambdaMax.bitPattern); out.putRaw(r.alignment.bitPattern)
            }
        }
        if !layerStats.isEmpty {
            out.append(layerStatsTag)
            out.putRaw(UInt32(layerStats.count))
            for r in layerStats {
                out.putRaw(UInt64(bitPattern: Int64(r.step)))
                out.putRaw(UInt32(truncatingIfNeeded: r.layer))
                out.putRaw(r.mean.bitPattern); out.putRaw(r.std.bitPattern)
                let normalized = r.normalizedMean != nil && r.normalizedStd != nil
                out.append(normalized ? 1 : 0)
                out.putRaw((r.normalizedMean ?? 0).bitPattern); out.putRaw((r.normalizedStd ?? 0).bitPattern)
            }
        }
        return out
    }

    private static let sharpnessTag: UInt8 = 1
    private static let layerStatsTag: UInt8 = 2
    /// Bytes of one encoded sharpness and layer-statistics record.
    private static let sharpnessSize = 32, layerStatsSize = 45

    /// The sharpness records of a blob `encodeEpochs` wrote (none when it has no such section).
    public static func decodeSharpness(_ bytes: [UInt8]) throws -> [SharpnessRecord] {
        try section(sharpnessTag, of: bytes) { r, count in
            var out: [SharpnessRecord] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                let step = Int(Int64(bitPattern: try r.u64()))
                let lr = Double(bitPattern: try r.u64()), value = Double(bitPattern: try r.u64())
                out.append(SharpnessRecord(step: step, lr: lr, lambdaMax: value, alignment: Double(bitPattern: try r.u64())))
            }
            return out
        } ?? []
    }

    /// The layer statistics of a blob `encodeEpochs` wrote (none when it has no such section).
    public static func decodeLayerStats(_ bytes: [UInt8]) throws -> [LayerStatsRecord] {
        try section(layerStatsTag, of: bytes) { r, count in
            var out: [LayerStatsRecord] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                let step = Int(Int64(bitPattern: try r.u64())), layer = Int(try r.u32())
                let mean = Double(bitPattern: try r.u64()), std = Double(bitPattern: try r.u64())
                let normalized = try r.u8() & 1 != 0
                let nm = Double(bitPattern: try r.u64()), ns = Double(bitPattern: try r.u64())
                out.append(LayerStatsRecord(step: step, layer: layer, mean: mean, std: std,
                                            normalizedMean: normalized ? nm : nil, normalizedStd: normalized ? ns : nil))
            }
            return out
        } ?? []
    }

    /// Reads the section tagged `tag` after the epoch records with `read` (given the reader at its first record
    /// and the record count); nil when the blob has no such section. Unknown tags and truncation are errors.
    private static func section<R>(_ tag: UInt8, of bytes: [UInt8],
                                   _ read: (inout ByteReader, Int) throws -> R) throws -> R? {
        try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            let n = Int(try r.u32())
            for _ in 0..<n { _ = try epochRecord(&r) }
            while r.offset < raw.count {
                let found = try r.u8()
                let count = Int(try r.u32())
                let size: Int
                switch found {
                case sharpnessTag: size = sharpnessSize
                case layerStatsTag: size = layerStatsSize
                default: throw DecodeError(reason: "unknown record section")
                }
                try r.need(count * size)
                if found == tag { return try read(&r, count) }
                r.offset += count * size
            }
            return nil
        }
    }

    /// Decodes what `encodeEpochs` wrote.
    public static func decodeEpochs(_ bytes: [UInt8]) throws -> [EpochRecord] {
        try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            let n = Int(try r.u32())
            var out: [EpochRecord] = []
            out.reserveCapacity(min(n, raw.count / 41))
            for _ in 0..<n { out.append(try epochRecord(&r)) }
            return out
        }
    }

    private static func epochRecord(_ r: inout ByteReader) throws -> EpochRecord {
        let epoch = Int(Int64(bitPattern: try r.u64())), step = Int(Int64(bitPattern: try r.u64()))
        let train = Double(bitPattern: try r.u64())
        let flags = try r.u8()
        let vl = Double(bitPattern: try r.u64()), va = Double(bitPattern: try r.u64())
        return EpochRecord(epoch: epoch, step: step, trainLoss: train, validationLoss: flags & 1 != 0 ? vl : nil,
                           validationAccuracy: flags & 2 != 0 ? va : nil)
    }

    /// Decodes a chunk of the v1 format ("DTC1": u32 magic | u32 rows | u32 dimension | u32 paramRows |
    /// u32 epochRecords, then i64 step, i64 epoch, f64 lr, loss, grad norm columns, f64 params row-major,
    /// then the epoch records as in `encodeEpochs`), for migrating stores written before v3.
    static func decodeLegacy(_ bytes: [UInt8]) throws -> Trajectory {
        try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            guard try r.u32() == legacyMagic else { throw DecodeError(reason: "bad magic") }
            let rows = Int(try r.u32()), dimension = Int(try r.u32()), paramRows = Int(try r.u32()), epochs = Int(try r.u32())
            guard paramRows == 0 || paramRows == rows else { throw DecodeError(reason: "bad parameter row count") }
            try r.need(rows * 40 + paramRows * dimension * 8)
            var t = Trajectory(dimension: dimension)
            for _ in 0..<rows { t.step.append(Int(Int64(bitPattern: try r.u64()))) }
            for _ in 0..<rows { t.epoch.append(Int(Int64(bitPattern: try r.u64()))) }
            for _ in 0..<rows { t.lr.append(Double(bitPattern: try r.u64())) }
            for _ in 0..<rows { t.loss.append(Double(bitPattern: try r.u64())) }
            for _ in 0..<rows { t.gradNorm.append(Double(bitPattern: try r.u64())) }
            for _ in 0..<(paramRows * dimension) { t.params.append(Double(bitPattern: try r.u64())) }
            for _ in 0..<epochs { t.epochs.append(try epochRecord(&r)) }
            return t
        }
    }

    /// Encodes a chunk in the v1 format (tests of the migration only).
    static func encodeLegacy(_ t: Trajectory) -> [UInt8] {
        var out: [UInt8] = []
        out.putRaw(legacyMagic)
        for v in [t.count, t.dimension, t.params.isEmpty ? 0 : t.count, t.epochs.count] { out.putRaw(UInt32(v)) }
        for v in t.step { out.putRaw(UInt64(bitPattern: Int64(v))) }
        for v in t.epoch { out.putRaw(UInt64(bitPattern: Int64(v))) }
        for column in [t.lr, t.loss, t.gradNorm, t.params] { for v in column { out.putRaw(v.bitPattern) } }
        let epochs = encodeEpochs(t.epochs)
        out.append(contentsOf: epochs[4...])
        return out
    }
}
