extension SpecValue {
    /// Most nesting of arrays and objects the parser accepts (deeper documents are `invalid_json`).
    public static let maxParseDepth = 256

    /// Parses JSON text (RFC 8259) into a value.
    ///
    /// Numbers keep Double's reading of their text: one too large for a Double (`1e400`) becomes ±∞,
    /// which the spec check then names as not finite, instead of failing the whole document. A repeated
    /// object key keeps its last value.
    /// - Throws: `SpecError` with code `invalid_json`, an empty field and the byte offset of the problem.
    public init(parsingJSON bytes: [UInt8]) throws(SpecError) {
        var parser = SpecValueParser(bytes: bytes)
        self = try parser.document()
    }
}

/// A recursive-descent JSON parser over bytes; `position` is the next unread byte.
private struct SpecValueParser {
    let bytes: [UInt8]
    var position = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(SpecError) -> SpecValue {
        let value = try self.value()
        skipWhitespace()
        if position < bytes.count { throw failure("unexpected data after the JSON value") }
        return value
    }

    private mutating func value() throws(SpecError) -> SpecValue {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("unexpected character")
        }
    }

    private mutating func object() throws(SpecError) -> SpecValue {
        try enter()
        position += 1
        var members: [String: SpecValue] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { position += 1; depth -= 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw failure("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw failure("expected ':'") }
            position += 1
            members[key] = try value()
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { position += 1; continue }
            if peek(UInt8(ascii: "}")) { position += 1; depth -= 1; return .object(members) }
            throw failure("expected ',' or '}'")
        }
    }

    private mutating func array() throws(SpecError) -> SpecValue {
        try enter()
        position += 1
        var items: [SpecValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { position += 1; depth -= 1; return .array(items) }
        while true {
            items.append(try value())
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { position += 1; continue }
            if peek(UInt8(ascii: "]")) { position += 1; depth -= 1; return .array(items) }
            throw failure("expected ',' or ']'")
        }
    }

    private mutating func enter() throws(SpecError) {
        depth += 1
        if depth > SpecValue.maxParseDepth { throw failure("nested more than \(SpecValue.maxParseDepth) levels deep") }
    }

    private mutating func string() throws(SpecError) -> String {
        position += 1  // opening quote
        var out: [UInt8] = []
        while position < bytes.count {
            let b = bytes[position]
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw failure("string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { break }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                default: position -= 1; throw failure("invalid escape")
                }
            case 0..<0x20:
                throw failure("control character in a string")
            default:
                out.append(b)
                position += 1
            }
        }
        throw failure("unterminated string")
    }

    /// The UTF-8 bytes of a \uXXXX escape (after "\u"), joining a surrogate pair.
    private mutating func unicodeEscape() throws(SpecError) -> [UInt8] {
        let high = try hex4()
        var scalarValue = UInt32(high)
        if (0xD800..<0xDC00).contains(high) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
            else { throw failure("unpaired surrogate") }
            position += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
            scalarValue = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("unpaired surrogate") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(SpecError) -> UInt16 {
        guard position + 4 <= bytes.count else { throw failure("incomplete \\u escape") }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            v = v << 4 | UInt16(digit)
            position += 1
        }
        return v
    }

    /// A number per the JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() throws(SpecError) -> Double {
        let start = position
        if peek(UInt8(ascii: "-")) { position += 1 }
        if peek(UInt8(ascii: "0")) {
            position += 1
        } else {
            guard digits() > 0 else { throw failure("invalid number") }
        }
        if peek(UInt8(ascii: ".")) {
            position += 1
            guard digits() > 0 else { throw failure("invalid number") }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            position += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { position += 1 }
            guard digits() > 0 else { throw failure("invalid number") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let x = Double(text) else { throw failure("invalid number") }
        return x
    }

    private mutating func digits() -> Int {
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        return position - start
    }

    private mutating func literal(_ word: String) throws(SpecError) {
        for expected in word.utf8 {
            guard position < bytes.count else { throw failure("unexpected end of input") }
            guard bytes[position] == expected else { throw failure("unexpected character") }
            position += 1
        }
    }

    private func peek(_ byte: UInt8) -> Bool { position < bytes.count && bytes[position] == byte }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func failure(_ what: String) -> SpecError {
        SpecError(field: "", message: "\(what) at byte \(position)", code: "invalid_json")
    }
}
