#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Appends JSON to a byte buffer, writing strings, integers, doubles and timestamps exactly as
/// `JSONCoding`'s encoder does (tests compare the two), for the responses read most often
/// (`ExperimentJSON`, `SpecJSON`) and trajectory exports (`TrajectoryExport`, which also writes CSV).
struct JSONWriter {
    /// The JSON written so far.
    private(set) var bytes: [UInt8] = []
    /// The last double written (its bits, whether as JSON) and its text, so a run of equal values (a
    /// constant learning rate, a plateau) is formatted once and copied after that.
    private var lastKey: (bits: UInt64, json: Bool)?
    private var lastText: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // up to 32 bytes
    private var lastLength = 0

    /// An empty buffer with room for `capacity` bytes.
    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    /// Appends raw bytes (punctuation, or JSON already encoded).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends JSON bytes encoded elsewhere.
    mutating func raw(_ json: [UInt8]) { bytes.append(contentsOf: json) }

    /// Appends text made at run time (keys with a computed name, a CSV header).
    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends one byte.
    @inline(__always) mutating func raw(byte: UInt8) { bytes.append(byte) }

    /// Empties the buffer, keeping its storage.
    mutating func clear() { bytes.removeAll(keepingCapacity: true) }

    /// Appends `"key":`.
    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a string literal: `"` and `\` escaped, \b \f \n \r \t by name, other controls as \u00xx,
    /// `/` left as it is (JSONEncoder with `.withoutEscapingSlashes`).
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigit(b >> 4))
                bytes.append(Self.hexDigit(b & 0xF))
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a string or `null`.
    mutating func string(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    /// Appends an integer or `null`.
    mutating func integer(_ n: Int?) {
        if let n { integer(n) } else { raw("null") }
    }

    /// Appends a number (as `number(_:)`) or `null`.
    mutating func number(_ d: Double?) {
        if let d { number(d) } else { raw("null") }
    }

    /// Appends an integer.
    mutating func integer(_ n: Int) {
        if n == 0 { bytes.append(UInt8(ascii: "0")); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        var magnitude = n.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            while magnitude > 0 { scratch[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10); magnitude /= 10; count += 1 }
            if n < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: scratch[(24 - count)...])
        }
    }

    /// Appends a number as JSONEncoder writes a Double: Swift's shortest round-trip text without a trailing
    /// ".0", and the non-finite ones as the strings `JSONCoding` configures ("NaN", "Infinity", "-Infinity").
    mutating func number(_ d: Double) { double(d, json: true) }

    /// Appends `d.description` (CSV cells).
    mutating func description(_ d: Double) { double(d, json: false) }

    private mutating func double(_ v: Double, json: Bool) {
        let bits = v.bitPattern
        if let key = lastKey, key.bits == bits, key.json == json {
            withUnsafeBytes(of: lastText) { bytes.append(contentsOf: $0.prefix(lastLength)) }
            return
        }
        let start = bytes.count
        if json && !v.isFinite {
            raw(v.isNaN ? "\"NaN\"" : (v > 0 ? "\"Infinity\"" : "\"-Infinity\"") as StaticString)
        } else {
            v.write(to: &self)  // TextOutputStreamable hands over the digits without making a String
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

    /// Appends a timestamp string as `Timestamp.format` writes it, or `null`.
    mutating func timestamp(_ date: Date?) {
        guard let date else { return raw("null") }
        bytes.append(UInt8(ascii: "\""))
        Timestamp.append(date, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }
}

extension Timestamp {
    /// Appends `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC, milliseconds truncated) without Foundation's formatter.
    static func append(_ date: Date, to bytes: inout [UInt8]) {
        let t = date.timeIntervalSinceReferenceDate
        let whole = t.rounded(.down)
        let milliseconds = Int(((t - whole) * 1000).rounded(.down))
        var seconds = time_t(whole) + 978_307_200  // reference date 2001-01-01 in Unix time
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int) { bytes.append(UInt8(ascii: "0") + UInt8(v / 10)); bytes.append(UInt8(ascii: "0") + UInt8(v % 10)) }
        let year = Int(parts.tm_year) + 1900
        two(year / 100); two(year % 100)
        bytes.append(UInt8(ascii: "-")); two(Int(parts.tm_mon) + 1)
        bytes.append(UInt8(ascii: "-")); two(Int(parts.tm_mday))
        bytes.append(UInt8(ascii: "T")); two(Int(parts.tm_hour))
        bytes.append(UInt8(ascii: ":")); two(Int(parts.tm_min))
        bytes.append(UInt8(ascii: ":")); two(Int(parts.tm_sec))
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(milliseconds / 100))
        two(milliseconds % 100)
        bytes.append(UInt8(ascii: "Z"))
    }
}

extension JSONWriter: TextOutputStream {
    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
    /// Called by the standard library's number formatting with the ASCII digits it made.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}
