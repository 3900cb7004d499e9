import CBytePlanes
import CZstd
import Synchronization

/// Lossless encodings of one trajectory column. Every encoding round-trips bit for bit (doubles are
/// handled as their bit patterns, so NaN payloads, −0, subnormals and ±∞ survive).
///
/// - Integer columns (`step`, `epoch`): `arithmetic` (first value and one difference: a run recording
///   every k-th step costs 17 bytes) or `deltaRuns` (runs of equal differences as varints: piecewise
///   arithmetic sequences such as a run's last row, or epochs, cost a few bytes per change).
/// - Double columns: `runs` (runs of equal values: constant or piecewise constant learning rates) or
///   `xorShuffleZstd`: each value XOR-ed with the one before, the 8 bytes of every result split into 8
///   planes (all first bytes, then all second bytes, …), and the planes compressed with zstd. Neighbouring
///   values of an optimisation run share sign, exponent and leading mantissa bits, so the XOR leaves their
///   high bytes zero and the planes of high bytes compress to almost nothing; the low bytes stay noise
///   and cost about a byte each. `raw` (8 bytes per value) when nothing is smaller.
///
/// zstd rather than deflate or lz4: on these planes it compresses better than lz4 and decompresses
/// several times faster than deflate (BENCHMARKS.md, "Trajectory storage"). Columns are written at a
/// negative ("fast") level, `zstdLevel`; the level is not stored and the decoder reads any level, so chunks
/// written at other levels by earlier builds read unchanged.
enum ColumnCodec {
    /// How a column is encoded (stored as one byte in the chunk's column directory).
    enum Encoding: UInt8 {
        case raw = 0
        case arithmetic = 1
        case deltaRuns = 2
        case runs = 3
        case xorShuffleZstd = 4
    }

    /// Errors reading a column.
    struct DecodeError: Error, Sendable, CustomStringConvertible {
        let reason: String
        var description: String { "trajectory column: \(reason)" }
    }

    /// zstd level for float columns. −12, one of zstd's fast levels: on the float columns of a 64-member Rosenbrock +
    /// Adam sweep it stores 2.4 % more bytes than −3 (5.88 against 5.74 bytes per value; level 1: 5.72) and compresses a
    /// third faster (2.0 against 1.5 GB of planes per CPU-second), which took the service's 64-member study from
    /// 0.36 to 0.33 s. The planes of low mantissa bytes are noise that no level compresses, so slower levels buy
    /// almost nothing (BENCHMARKS.md, "Reports from the staged interval").
    static let zstdLevel: Int32 = -12
    /// Columns shorter than this are not compressed (a zstd frame's overhead outweighs the gain).
    static let minCompressedCount = 64

    // MARK: integers

    /// Encodes an integer column.
    static func encode(ints v: UnsafeBufferPointer<Int>, into out: inout [UInt8]) -> Encoding {
        guard v.count > 1 else {
            out.putRaw(v.first.map { UInt64(bitPattern: Int64($0)) } ?? 0)
            return .raw
        }
        let d = v[1] &- v[0]
        var arithmetic = true
        for i in 2..<v.count where v[i] &- v[i - 1] != d { arithmetic = false; break }
        if arithmetic {
            out.putRaw(UInt64(bitPattern: Int64(v[0])))
            out.putRaw(UInt64(bitPattern: Int64(d)))
            return .arithmetic
        }
        out.putRaw(UInt64(bitPattern: Int64(v[0])))
        var i = 1
        while i < v.count {
            let delta = v[i] &- v[i - 1]
            var j = i + 1
            while j < v.count && v[j] &- v[j - 1] == delta { j += 1 }
            out.putVarint(zigzag(delta))
            out.putVarint(UInt64(j - i))
            i = j
        }
        return .deltaRuns
    }

    /// Decodes `rows` integers of `encoding` from `bytes`, appending to `column`.
    static func decodeInts(_ bytes: UnsafeRawBufferPointer, encoding: Encoding, rows: Int, into column: inout [Int]) throws {
        var r = ByteReader(bytes)
        // Grow geometrically: reserving exactly count + rows per chunk copied the whole column again for
        // every chunk appended, quadratic in a decode of many chunks (a path view of a million rows).
        if column.capacity < column.count + rows { column.reserveCapacity(max(column.count + rows, 2 * column.capacity)) }
        switch encoding {
        case .raw:
            for _ in 0..<rows { column.append(Int(Int64(bitPattern: try r.u64()))) }
        case .arithmetic:
            let first = Int(Int64(bitPattern: try r.u64())), d = Int(Int64(bitPattern: try r.u64()))
            for i in 0..<rows { column.append(first &+ i &* d) }
        case .deltaRuns:
            guard rows > 0 else { return }
            var value = Int(Int64(bitPattern: try r.u64()))
            column.append(value)
            var produced = 1
            while produced < rows {
                let delta = unzigzag(try r.varint()), count = Int(try r.varint())
                guard count > 0, count <= rows - produced else { throw DecodeError(reason: "bad run length") }
                for _ in 0..<count { value &+= delta; column.append(value) }
                produced += count
            }
        default:
            throw DecodeError(reason: "encoding \(encoding) is not for integers")
        }
    }

    // MARK: doubles

    /// Encodes `n` doubles at `v`, `v + stride`, …, choosing the smallest of runs, XOR-shuffle-zstd and raw.
    static func encode(doubles v: UnsafePointer<Double>, count n: Int, stride: Int = 1, into out: inout [UInt8]) -> Encoding {
        @inline(__always) func bits(_ i: Int) -> UInt64 { v[i &* stride].bitPattern }
        let start = out.count
        // The runs are counted only as far as the choice needs: past n / 5 runs a long column is compressed whatever the
        // rest holds (a column of changing values stops after a fifth of its rows; counting them all was most of this
        // function's own time).
        let enough = n < minCompressedCount ? n : n * 2 / 10 + 1
        var runCount = n > 0 ? 1 : 0
        var i = 1
        while i < n && runCount < enough {
            if bits(i) != bits(i &- 1) { runCount &+= 1 }
            i &+= 1
        }
        if runCount * 10 <= n * 2 || n < minCompressedCount {  // ≤ 10 bytes a run against ≥ ~2 bytes a value otherwise
            var i = 0
            while i < n {
                var j = i + 1
                while j < n && bits(j) == bits(i) { j += 1 }
                out.putRaw(bits(i))
                out.putVarint(UInt64(j - i))
                i = j
            }
            if runCount * 10 <= n * 8 { return .runs }
            out.removeLast(out.count - start)
            for i in 0..<n { out.putRaw(bits(i)) }
            return .raw
        }
        // XOR with the previous value, split into 8 byte planes and compressed, all in the context's scratch
        // memory: no buffer is allocated or zero-filled per column, and only the compressed bytes are copied out.
        let size = n * 8, bound = ZSTD_compressBound(size)
        let compressed = ZstdContexts.shared.compressing(planeBytes: size, outputBytes: bound) { (context, planes, output) -> Bool in
            descent_xor_byte_planes(v, n, stride, planes)
            let written = ZSTD_compressCCtx(context, output, bound, planes, size, zstdLevel)
            guard ZSTD_isError(written) == 0, written < size else { return false }
            out.append(contentsOf: UnsafeBufferPointer(start: output, count: written))
            return true
        }
        if compressed { return .xorShuffleZstd }
        out.reserveCapacity(out.count + size)
        for i in 0..<n { out.putRaw(bits(i)) }
        return .raw
    }

    /// Decodes `rows` doubles of `encoding` from `bytes`, calling `sink` with each in order.
    static func decodeDoubles(_ bytes: UnsafeRawBufferPointer, encoding: Encoding, rows: Int, _ sink: (Int, Double) -> Void) throws {
        var r = ByteReader(bytes)
        switch encoding {
        case .raw:
            for i in 0..<rows { sink(i, Double(bitPattern: try r.u64())) }
        case .runs:
            var produced = 0
            while produced < rows {
                let value = Double(bitPattern: try r.u64()), count = Int(try r.varint())
                guard count > 0, count <= rows - produced else { throw DecodeError(reason: "bad run length") }
                for i in produced..<(produced + count) { sink(i, value) }
                produced += count
            }
        case .xorShuffleZstd:
            let planes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: rows * 8)
            defer { planes.deallocate() }
            let got = ZstdContexts.shared.decompressing { context in
                ZSTD_decompressDCtx(context, planes.baseAddress, rows * 8, bytes.baseAddress, bytes.count)
            }
            guard ZSTD_isError(got) == 0, got == rows * 8 else { throw DecodeError(reason: "bad compressed column") }
            var previous: UInt64 = 0
            for i in 0..<rows {
                var x: UInt64 = 0
                for p in (0..<8).reversed() { x = x << 8 | UInt64(planes[p * rows + i]) }
                previous ^= x
                sink(i, Double(bitPattern: previous))
            }
        default:
            throw DecodeError(reason: "encoding \(encoding) is not for doubles")
        }
    }

    @inline(__always) static func zigzag(_ v: Int) -> UInt64 { UInt64(bitPattern: Int64((v << 1) ^ (v >> 63))) }
    @inline(__always) static func unzigzag(_ u: UInt64) -> Int { Int(Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))) }
}

/// zstd compression and decompression contexts kept for reuse: making one per call costs more than
/// compressing a short column. A compression context keeps scratch memory for the byte planes and the
/// compressed output, grown to the largest column it met up to `maxKeptScratchBytes`.
final class ZstdContexts: Sendable {
    /// The process's contexts.
    static let shared = ZstdContexts()

    /// Largest scratch buffer a context keeps between calls (bytes; 1 MiB, a 8,192-row column needs 64 KiB);
    /// larger ones are freed after the call.
    static let maxKeptScratchBytes = 1 << 20

    /// A compression context and its scratch memory, owned by whoever took it from the free list.
    private final class Compressor: @unchecked Sendable {  // used by one thread at a time: the free list hands it out
        let pointer: OpaquePointer
        var planes = Scratch()
        var output = Scratch()
        init() { pointer = ZSTD_createCCtx() }
    }

    /// A growable buffer of uninitialised bytes.
    private struct Scratch {
        var base: UnsafeMutablePointer<UInt8>? = nil
        var capacity = 0

        /// Memory for at least `bytes` bytes, and whether it is temporary (to be freed after the call).
        mutating func take(_ bytes: Int) -> (UnsafeMutablePointer<UInt8>, temporary: Bool) {
            if bytes <= capacity, let base { return (base, false) }
            if bytes > ZstdContexts.maxKeptScratchBytes { return (UnsafeMutablePointer<UInt8>.allocate(capacity: bytes), true) }
            base?.deallocate()
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes)
            base = grown
            capacity = bytes
            return (grown, false)
        }
    }

    /// A decompression context owned by whoever took it from the free list.
    private struct Decompressor: @unchecked Sendable { let pointer: OpaquePointer }
    private let freeCompressors = Mutex<[Compressor]>([])
    private let freeDecompressors = Mutex<[Decompressor]>([])

    /// Runs `body` with a compression context no one else uses meanwhile and scratch memory of `planeBytes` and
    /// `outputBytes` bytes (uninitialised, valid during the call only).
    func compressing<T>(planeBytes: Int, outputBytes: Int,
                        _ body: (OpaquePointer, UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt8>) -> T) -> T {
        let c = freeCompressors.withLock { $0.popLast() } ?? Compressor()
        defer { freeCompressors.withLock { $0.append(c) } }
        let (planes, planesTemporary) = c.planes.take(planeBytes)
        let (output, outputTemporary) = c.output.take(outputBytes)
        defer {
            if planesTemporary { planes.deallocate() }
            if outputTemporary { output.deallocate() }
        }
        return body(c.pointer, planes, output)
    }

    /// Runs `body` with a decompression context no one else uses meanwhile.
    func decompressing<T>(_ body: (OpaquePointer) -> T) -> T {
        let c = freeDecompressors.withLock { $0.popLast() } ?? Decompressor(pointer: ZSTD_createDCtx())
        defer { freeDecompressors.withLock { $0.append(c) } }
        return body(c.pointer)
    }
}

/// Reads little-endian values and varints with bounds checks.
struct ByteReader {
    let raw: UnsafeRawBufferPointer
    var offset = 0
    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    mutating func need(_ n: Int) throws {
        guard n >= 0, offset + n <= raw.count else { throw ColumnCodec.DecodeError(reason: "truncated") }
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
    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8()
            guard shift < 64 else { throw ColumnCodec.DecodeError(reason: "varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }
    /// The next `n` bytes.
    mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)])
    }
}

extension Array where Element == UInt8 {
    /// Appends a little-endian UInt64.
    mutating func putRaw(_ v: UInt64) {
        var le = v.littleEndian
        Swift.withUnsafeBytes(of: &le) { append(contentsOf: $0) }
    }
    /// Appends a little-endian UInt32.
    mutating func putRaw(_ v: UInt32) {
        var le = v.littleEndian
        Swift.withUnsafeBytes(of: &le) { append(contentsOf: $0) }
    }
    /// Writes a little-endian UInt32 over the four bytes at `offset` (a length filled in after what it measures).
    mutating func setRaw(_ v: UInt32, at offset: Int) {
        var le = v.littleEndian
        Swift.withUnsafeBytes(of: &le) { replaceSubrange(offset..<(offset + 4), with: $0) }
    }
    /// Appends an unsigned LEB128 varint.
    mutating func putVarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        append(UInt8(v))
    }
}
