import DescentCore
import DescentHTTP
import Foundation

/// Turns request bodies and query strings into checked values, with API errors.
enum RequestDecoding {
    /// The body as a JSON value; 415 for another content type, 400 for malformed JSON.
    static func json(_ request: HTTPRequest) throws(ServiceError) -> SpecValue {
        let type = request.headers["Content-Type"] ?? ""
        let mediaType = Self.mediaType(type)
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw .unsupportedMediaType(type.isEmpty ? "none" : type)
        }
        guard !request.body.isEmpty else { throw .badJSON("the body is empty") }
        do { return try SpecValue(parsingJSON: request.body) } catch { throw .badJSON(error.message) }
    }

    /// The media type of a Content-Type value, lowercased, without parameters and the blanks around it
    /// (RFC 9110 §8.3). By hand: Foundation's `trimmingCharacters(in:)` and `split` took ≈ 1 % of the CPU
    /// time of a small submission.
    static func mediaType(_ contentType: String) -> String {
        var media = Substring(contentType)
        if let semicolon = media.firstIndex(of: ";") { media = media[..<semicolon] }
        media = media.drop { $0 == " " || $0 == "\t" }
        while let last = media.last, last == " " || last == "\t" { media.removeLast() }
        return media.lowercased()
    }

    /// The members of a JSON object body; 422 if it is not an object.
    static func object(_ value: SpecValue, field: String = "") throws(ServiceError) -> [String: SpecValue] {
        guard case .object(let o) = value else {
            throw .invalid(field: field, message: "must be a JSON object", code: "invalid_request")
        }
        return o
    }

    /// An integer query parameter within a range; 422 names the parameter.
    static func int(_ request: HTTPRequest, _ name: String, default value: Int? = nil, range: ClosedRange<Int>) throws(ServiceError) -> Int? {
        guard let text = request.query[name] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw .invalid(field: name, message: "must be an integer in [\(range.lowerBound), \(range.upperBound)]", code: "invalid_query")
        }
        return n
    }

    /// A stable 64-bit FNV-1a hash of the canonical JSON form of a value (for idempotency).
    static func hash(_ value: SpecValue) -> String {
        let canonical = (try? JSONCoding.encode(value)) ?? []
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in canonical { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return String(h, radix: 16)
    }

    /// A fresh identifier with a prefix, e.g. "exp_3f9c0a1b2c3d4e5f".
    static func newID(_ prefix: String) -> String {
        var g = SystemRandomNumberGenerator()
        let n = g.next() as UInt64
        let hex = String(n, radix: 16)
        return prefix + "_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension SpecValue {
    /// Sets the member at a dotted path ("optimizer.lr"), creating objects on the way; a number step into an
    /// existing array sets that element ("optimizer.betas.1").
    func setting(_ path: ArraySlice<Substring>, to newValue: SpecValue) -> SpecValue {
        guard let key = path.first.map(String.init) else { return newValue }
        if case .array(var a) = self, let i = Int(key), a.indices.contains(i) {
            a[i] = a[i].setting(path.dropFirst(), to: newValue)
            return .array(a)
        }
        var members: [String: SpecValue] = [:]
        if case .object(let o) = self { members = o }
        members[key] = (members[key] ?? .null).setting(path.dropFirst(), to: newValue)
        return .object(members)
    }

    /// Compact JSON text of the value (for labels); a string as itself. Numbers are written as JSONEncoder writes
    /// them (`JSONWriter.number`), without an encoder per value: a 10,000-trial study's labels are built on every read.
    var compactText: String {
        switch self {
        case .string(let s): return s
        case .number(let d):
            var writer = JSONWriter(capacity: 24)
            writer.number(d)
            return String(decoding: writer.bytes, as: UTF8.self)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        default: return (try? JSONCoding.string(self)) ?? "?"
        }
    }
}
