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
    func splitTarget() -> (path: String, query: String) {
        var target = Substring(self)
        if let schemeEnd = target.range(of: "://") {
            let afterScheme = target[schemeEnd.upperBound...]
            target = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        }
        if let q = target.firstIndex(of: "?") {
            return (String(target[..<q]), String(target[target.index(after: q)...]))
        }
        return (String(target), "")
    }
}

/// Percent-decoding of URI components (RFC 3986 §2.1).
enum PercentDecoding {
    /// Decodes %XX escapes (and '+' as space when asked); invalid escapes and invalid UTF-8 are kept as-is.
    static func decode(_ s: Substring, plusAsSpace: Bool) -> String {
        let bytes = Array(s.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(s)
        }
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
