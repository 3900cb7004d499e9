/// A JSON value as it appears in a spec, kept untyped until checked against the parameter tables.
public enum SpecValue: Sendable, Equatable, Codable {
    /// `null`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// Any JSON number (as a Double: integers are exact up to 2⁵³).
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([SpecValue])
    /// An object.
    case object([String: SpecValue])

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let d = try? container.decode(Double.self) { self = .number(d) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let a = try? container.decode([SpecValue].self) { self = .array(a) }
        else { self = .object(try container.decode([String: SpecValue].self)) }
    }

    /// Encodes the value as JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(b): try container.encode(b)
        case let .number(d): try container.encode(d)
        case let .string(s): try container.encode(s)
        case let .array(a): try container.encode(a)
        case let .object(o): try container.encode(o)
        }
    }

    /// The number, if this is one.
    public var number: Double? { if case let .number(d) = self { d } else { nil } }
    /// The integer, if this is a number with an exact integer value in Int's range.
    public var integer: Int? {
        guard case let .number(d) = self, d == d.rounded(), abs(d) < 0x1p53 else { return nil }
        return Int(d)
    }
    /// The Boolean, if this is one.
    public var bool: Bool? { if case let .bool(b) = self { b } else { nil } }
    /// The string, if this is one.
    public var string: String? { if case let .string(s) = self { s } else { nil } }
    /// The elements, if this is an array.
    public var array: [SpecValue]? { if case let .array(a) = self { a } else { nil } }
    /// The members, if this is an object.
    public var object: [String: SpecValue]? { if case let .object(o) = self { o } else { nil } }
    /// Whether this is `null`.
    public var isNull: Bool { self == .null }
    /// An array of numbers, if this is one.
    public var numbers: [Double]? { array.flatMap { a in a.allSatisfy { $0.number != nil } ? a.compactMap(\.number) : nil } }
    /// An array of integers, if this is one.
    public var integers: [Int]? { array.flatMap { a in a.allSatisfy { $0.integer != nil } ? a.compactMap(\.integer) : nil } }
    /// An array of arrays of numbers, if this is one.
    public var matrix: [[Double]]? { array.flatMap { a in a.allSatisfy { $0.numbers != nil } ? a.compactMap(\.numbers) : nil } }
    /// An array of strings, if this is one.
    public var strings: [String]? { array.flatMap { a in a.allSatisfy { $0.string != nil } ? a.compactMap(\.string) : nil } }
}
