/// A growing byte buffer for JSON and CSV text.
///
/// Doubles are written as `Double.description` writes them (the shortest text that reads back to the same
/// value). `json(_:)` matches what the service's `JSONEncoder` writes: a trailing ".0" dropped, and
/// non-finite values as the strings "NaN", "Infinity", "-Infinity".
struct TextBuffer {
    /// The text so far.
    var bytes: [UInt8] = []
    /// The last double written (its bits, whether as JSON) and its text, so a run of equal values (a
    /// constant learning rate, a plateau) is formatted once and copied after that.
    private var lastKey: (bits: UInt64, json: Bool)?
    private var lastText: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // up to 32 bytes
    private var lastLength = 0

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
    mutating func json(_ v: Double) { double(v, json: true) }

    /// Appends `v.description` (through `TextOutputStreamable`, which hands over the digits without making
    /// a `String`).
    mutating func description(_ v: Double) { double(v, json: false) }

    private mutating func double(_ v: Double, json: Bool) {
        let bits = v.bitPattern
        if let key = lastKey, key.bits == bits, key.json == json {
            withUnsafeBytes(of: lastText) { bytes.append(contentsOf: $0.prefix(lastLength)) }
            return
        }
        let start = bytes.count
        if json && !v.isFinite {
            append(v.isNaN ? "\"NaN\"" : (v > 0 ? "\"Infinity\"" : "\"-Infinity\""))
        } else {
            v.write(to: &self)
            let n = bytes.count
            if json && n - start >= 2 && bytes[n - 2] == 0x2E && bytes[n - 1] == 0x30 { bytes.removeLast(2) }
        }
        let length = bytes.count - start
        guard length <= 32 else { lastKey = nil; return }
        withUnsafeMutableBytes(of: &lastText) { raw in
            for i in 0..<length { raw[i] = bytes[start + i] }
        }
        lastLength = length
        lastKey = (bits, json)
    }
}

extension TextBuffer: TextOutputStream {
    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
    /// Called by the standard library's number formatting with the ASCII digits it made.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}
