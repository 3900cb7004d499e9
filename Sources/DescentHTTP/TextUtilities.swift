/// ASCII helpers shared by the parser, headers and router.
extension StringProtocol {
    /// ASCII case-insensitive equality (header names and tokens are ASCII).
    func caseInsensitiveEquals<Other: StringProtocol>(_ other: Other) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { lowerASCII($0) == lowerASCII($1) }
    }

    /// The string without leading/trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}

@inline(__always) func lowerASCII(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c + 32 : c }

extension String {
    /// Splits a request target into raw path and raw query; absolute-form keeps only the path.
    ///
    /// Scans bytes (no Foundation search): with Foundation imported anywhere in the module, `range(of:)`
    /// resolved to NSString's, which bridged and allocated for every request.
    func splitTarget() -> (path: String, query: String) {
        let bytes = utf8
        var start = bytes.startIndex
        if bytes.first != UInt8(ascii: "/"), let scheme = Self.schemeEnd(bytes) {
            // absolute-form: the path starts at the first '/' after "://" (none: "/").
            guard let slash = bytes[scheme...].firstIndex(of: UInt8(ascii: "/")) else { return ("/", "") }
            start = slash
        }
        if let q = bytes[start...].firstIndex(of: UInt8(ascii: "?")) {
            return (String(self[start..<q]), String(self[index(after: q)...]))
        }
        return start == bytes.startIndex ? (self, "") : (String(self[start...]), "")
    }

    /// The index just past the first "://", if any.
    private static func schemeEnd(_ bytes: String.UTF8View) -> String.Index? {
        var i = bytes.startIndex
        var matched = 0
        let pattern: [UInt8] = [UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "/")]
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == pattern[matched] {
                matched += 1
                if matched == 3 { return bytes.index(after: i) }
            } else {
                matched = c == pattern[0] ? 1 : 0
            }
            i = bytes.index(after: i)
        }
        return nil
    }
}

/// Percent-decoding of URI components (RFC 3986 §2.1).
enum PercentDecoding {
    /// Decodes %XX escapes (and '+' as space when asked); invalid escapes and invalid UTF-8 are kept as-is.
    static func decode(_ s: Substring, plusAsSpace: Bool) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(s)
        }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(plusAsSpace && c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self) ?? String(s)
    }

    /// Value of an ASCII hex digit.
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }
}

/// Encodes a string as a JSON string literal (RFC 8259 §7).
public func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
