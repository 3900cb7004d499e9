/// A growing byte buffer for JSON and CSV text.
///
/// Doubles are written as `Double.description` writes them (the shortest text that reads back to the same
/// value). `json(_:)` matches what the service's `JSONEncoder` writes: a trailing ".0" dropped, and
/// non-finite values as the strings "NaN", "Infinity", "-Infinity".
struct TextBuffer {
    /// The text so far.
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Appends ASCII or UTF-8 text.
    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Appends one byte.
    @inline(__always) mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Appends an integer in decimal.
    mutating func int(_ v: Int) {
        if v == 0 { bytes.append(0x30); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        let negative = v < 0
        var m = v.magnitude
        var n = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            while m > 0 { scratch[23 - n] = UInt8(0x30 + m % 10); m /= 10; n += 1 }
            if negative { bytes.append(0x2D) }
            bytes.append(contentsOf: scratch[(24 - n)...])
        }
    }

    /// Appends a double as JSON (see the type's comment).
    mutating func json(_ v: Double) {
        guard v.isFinite else {
            append(v.isNaN ? "\"NaN\"" : (v > 0 ? "\"Infinity\"" : "\"-Infinity\""))
            return
        }
        let start = bytes.count
        description(v)
        let n = bytes.count
        if n - start >= 2 && bytes[n - 2] == 0x2E && bytes[n - 1] == 0x30 { bytes.removeLast(2) }
    }

    /// Appends `v.description` (through `TextOutputStreamable`, which hands over the digits without making
    /// a `String`).
    @inline(__always) mutating func description(_ v: Double) { v.write(to: &self) }
}

extension TextBuffer: TextOutputStream {
    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
    /// Called by the standard library's number formatting with the ASCII digits it made.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}
