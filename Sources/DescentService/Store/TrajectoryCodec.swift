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

    /// Encodes a chunk.
    public static func encode(_ t: Trajectory) -> Data {
        var out = [UInt8]()
        let rows = t.count
        let paramRows = t.params.isEmpty ? 0 : rows
        out.reserveCapacity(20 + rows * 40 + t.params.count * 8 + t.epochs.count * 33)
        for v in [magic, UInt32(rows), UInt32(t.dimension), UInt32(paramRows), UInt32(t.epochs.count)] { put(&out, v) }
        for v in t.step { put(&out, UInt64(bitPattern: Int64(v))) }
        for v in t.epoch { put(&out, UInt64(bitPattern: Int64(v))) }
        for column in [t.lr, t.loss, t.gradNorm, t.params] { for v in column { put(&out, v.bitPattern) } }
        for e in t.epochs {
            put(&out, UInt64(bitPattern: Int64(e.epoch)))
            put(&out, UInt64(bitPattern: Int64(e.step)))
            put(&out, e.trainLoss.bitPattern)
            out.append((e.validationLoss == nil ? 0 : 1) | (e.validationAccuracy == nil ? 0 : 2))
            put(&out, (e.validationLoss ?? 0).bitPattern)
            put(&out, (e.validationAccuracy ?? 0).bitPattern)
        }
        return Data(out)
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

    private static func put(_ out: inout [UInt8], _ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    private static func put(_ out: inout [UInt8], _ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }

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
