import DescentCore
import Foundation

/// Compact binary form of a trajectory chunk (all integers and doubles little-endian):
///
/// ```
/// u32 magic "DTC1" | u32 rows | u32 dimension | u32 paramRows (0 or rows) | u32 epochRecords
/// i64 step[rows] | i64 epoch[rows] | f64 lr[rows] | f64 loss[rows] | f64 gradNorm[rows]
/// f64 params[paramRows * dimension]
/// per epoch record: i64 epoch | i64 step | f64 trainLoss | u8 flags (1: validation loss, 2: accuracy) | f64 | f64
/// ```
/// Doubles are stored as their bit patterns, so NaN payloads and −0 survive exactly; 8 bytes per value.
public enum TrajectoryCodec {
    /// Errors reading a chunk.
    public struct DecodeError: Error, Sendable { public let reason: String }

    private static let magic: UInt32 = 0x3143_5444  // "DTC1"

    /// Encodes a chunk (one exact-size allocation, values stored in place).
    public static func encode(_ t: Trajectory) -> Data {
        let rows = t.count
        let paramRows = t.params.isEmpty ? 0 : rows
        let size = 20 + rows * 40 + t.params.count * 8 + t.epochs.count * 41
        var out = Data(count: size)
        out.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            var w = Writer(raw: raw)
            for v in [magic, UInt32(rows), UInt32(t.dimension), UInt32(paramRows), UInt32(t.epochs.count)] { w.put(v) }
            for v in t.step { w.put(UInt64(bitPattern: Int64(v))) }
            for v in t.epoch { w.put(UInt64(bitPattern: Int64(v))) }
            for v in t.lr { w.put(v.bitPattern) }
            for v in t.loss { w.put(v.bitPattern) }
            for v in t.gradNorm { w.put(v.bitPattern) }
            for v in t.params { w.put(v.bitPattern) }
            for e in t.epochs {
                w.put(UInt64(bitPattern: Int64(e.epoch)))
                w.put(UInt64(bitPattern: Int64(e.step)))
                w.put(e.trainLoss.bitPattern)
                w.put((e.validationLoss == nil ? 0 : 1) | (e.validationAccuracy == nil ? 0 : 2) as UInt8)
                w.put((e.validationLoss ?? 0).bitPattern)
                w.put((e.validationAccuracy ?? 0).bitPattern)
            }
        }
        return out
    }

    /// Writes little-endian values into a buffer sized in advance.
    private struct Writer {
        let raw: UnsafeMutableRawBufferPointer
        var offset = 0
        mutating func put(_ v: UInt8) { raw[offset] = v; offset += 1 }
        mutating func put(_ v: UInt32) { raw.storeBytes(of: v.littleEndian, toByteOffset: offset, as: UInt32.self); offset += 4 }
        mutating func put(_ v: UInt64) { raw.storeBytes(of: v.littleEndian, toByteOffset: offset, as: UInt64.self); offset += 8 }
    }

    /// Decodes a whole chunk of the v1 format ("DTC1", rows and epoch records in one blob).
    public static func decodeLegacy(_ bytes: [UInt8]) throws -> Trajectory {
        guard bytes.count >= 12 else { throw DecodeError(reason: "truncated chunk") }
        let dimension = bytes.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self))) }
        var t = Trajectory(dimension: dimension)
        try decode(Data(bytes), into: &t)
        return t
    }

    /// Encodes epoch records: u32 count, then per record i64 epoch | i64 step | f64 trainLoss | u8 flags | f64 | f64.
    public static func encodeEpochs(_ epochs: [EpochRecord]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 4 + epochs.count * 41)
        out.withUnsafeMutableBytes { raw in
            var w = Writer(raw: raw)
            w.put(UInt32(epochs.count))
            for e in epochs {
                w.put(UInt64(bitPattern: Int64(e.epoch)))
                w.put(UInt64(bitPattern: Int64(e.step)))
                w.put(e.trainLoss.bitPattern)
                w.put((e.validationLoss == nil ? 0 : 1) | (e.validationAccuracy == nil ? 0 : 2) as UInt8)
                w.put((e.validationLoss ?? 0).bitPattern)
                w.put((e.validationAccuracy ?? 0).bitPattern)
            }
        }
        return out
    }

    /// Decodes what `encodeEpochs` wrote.
    public static func decodeEpochs(_ bytes: [UInt8]) throws -> [EpochRecord] {
        try bytes.withUnsafeBytes { raw in
            var r = Reader(raw: raw)
            let n = Int(try r.u32())
            var out: [EpochRecord] = []
            out.reserveCapacity(n)
            for _ in 0..<n {
                let epoch = Int(Int64(bitPattern: try r.u64())), step = Int(Int64(bitPattern: try r.u64()))
                let train = Double(bitPattern: try r.u64())
                let flags = try r.u8()
                let vl = Double(bitPattern: try r.u64()), va = Double(bitPattern: try r.u64())
                out.append(EpochRecord(epoch: epoch, step: step, trainLoss: train, validationLoss: flags & 1 != 0 ? vl : nil,
                                       validationAccuracy: flags & 2 != 0 ? va : nil))
            }
            return out
        }
    }

    /// Decodes a chunk and appends it to `into`.
    public static func decode(_ data: Data, into t: inout Trajectory) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
            var r = Reader(raw: raw)
            guard try r.u32() == magic else { throw DecodeError(reason: "bad magic") }
            let rows = Int(try r.u32()), dimension = Int(try r.u32()), paramRows = Int(try r.u32()), epochs = Int(try r.u32())
            guard dimension == t.dimension else { throw DecodeError(reason: "dimension \(dimension) ≠ \(t.dimension)") }
            guard paramRows == 0 || paramRows == rows else { throw DecodeError(reason: "bad parameter row count") }
            try r.ints(rows, into: &t.step)
            try r.ints(rows, into: &t.epoch)
            try r.doubles(rows, into: &t.lr)
            try r.doubles(rows, into: &t.loss)
            try r.doubles(rows, into: &t.gradNorm)
            try r.doubles(paramRows * dimension, into: &t.params)
            for _ in 0..<epochs {
                let epoch = Int(Int64(bitPattern: try r.u64())), step = Int(Int64(bitPattern: try r.u64()))
                let train = Double(bitPattern: try r.u64())
                let flags = try r.u8()
                let vl = Double(bitPattern: try r.u64()), va = Double(bitPattern: try r.u64())
                t.epochs.append(EpochRecord(epoch: epoch, step: step, trainLoss: train,
                                            validationLoss: flags & 1 != 0 ? vl : nil,
                                            validationAccuracy: flags & 2 != 0 ? va : nil))
            }
        }
    }

    /// Reads little-endian values from raw bytes with bounds checks (unaligned loads).
    private struct Reader {
        let raw: UnsafeRawBufferPointer
        var offset = 0
        mutating func need(_ n: Int) throws {
            guard n >= 0, offset + n <= raw.count else { throw DecodeError(reason: "truncated chunk") }
        }
        mutating func u8() throws -> UInt8 {
            try need(1)
            defer { offset += 1 }
            return raw[offset]
        }
        mutating func u32() throws -> UInt32 {
            try need(4)
            defer { offset += 4 }
            return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }
        mutating func u64() throws -> UInt64 {
            try need(8)
            defer { offset += 8 }
            return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        mutating func ints(_ n: Int, into column: inout [Int]) throws {
            try need(n * 8)
            column.reserveCapacity(column.count + n)
            for i in 0..<n {
                column.append(Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + i * 8, as: Int64.self))))
            }
            offset += n * 8
        }
        mutating func doubles(_ n: Int, into column: inout [Double]) throws {
            try need(n * 8)
            column.reserveCapacity(column.count + n)
            for i in 0..<n {
                column.append(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + i * 8, as: UInt64.self))))
            }
            offset += n * 8
        }
    }
}
