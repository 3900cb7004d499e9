/// An interval of allowed numbers; nil bounds are unbounded.
public struct NumericRange: Sendable, Equatable {
    /// Lower bound.
    public var lower: Double?
    /// Whether the lower bound itself is allowed.
    public var lowerInclusive: Bool
    /// Upper bound.
    public var upper: Double?
    /// Whether the upper bound itself is allowed.
    public var upperInclusive: Bool

    /// [lower, ∞).
    public static func atLeast(_ x: Double) -> NumericRange { .init(lower: x, lowerInclusive: true, upper: nil, upperInclusive: false) }
    /// (lower, ∞).
    public static func above(_ x: Double) -> NumericRange { .init(lower: x, lowerInclusive: false, upper: nil, upperInclusive: false) }
    /// [0, 1).
    public static let unitOpen = NumericRange(lower: 0, lowerInclusive: true, upper: 1, upperInclusive: false)
    /// [0, 1].
    public static let unitClosed = NumericRange(lower: 0, lowerInclusive: true, upper: 1, upperInclusive: true)
    /// Any finite number.
    public static let any = NumericRange(lower: nil, lowerInclusive: false, upper: nil, upperInclusive: false)

    /// Whether `x` lies in the range (NaN and ±∞ never do).
    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        if let l = lower, lowerInclusive ? x < l : x <= l { return false }
        if let u = upper, upperInclusive ? x > u : x >= u { return false }
        return true
    }

    /// Interval notation, e.g. "[0, 1)" or "(0, inf)".
    public var text: String {
        let l = lower.map { (lowerInclusive ? "[" : "(") + Self.format($0) } ?? "(-inf"
        let u = upper.map { Self.format($0) + (upperInclusive ? "]" : ")") } ?? "inf)"
        return l + ", " + u
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

/// The JSON shape of one spec parameter.
public indirect enum ParameterKind: Sendable, Equatable {
    /// A finite number in the range.
    case number(NumericRange)
    /// An integer in the range.
    case integer(NumericRange)
    /// true or false.
    case boolean
    /// A string, one of `allowed` when given.
    case string(allowed: [String]?)
    /// Numbers each in the range; exactly `count` of them when given.
    case numberList(NumericRange, count: Int?)
    /// Integers each in the range.
    case integerList(NumericRange)
    /// Strings.
    case stringList
    /// Rows of numbers.
    case matrix
    /// An object with the given members.
    case object([ParameterInfo])
    /// A nested typed object ({"type": …}) of the section's kinds.
    case typed(section: SpecSection)
    /// An array of typed objects of the section's kinds.
    case typedList(section: SpecSection)
    /// An optimizer's parameter groups: objects each with `params` (tensor names or kinds, at least one) and
    /// any of `options`.
    case parameterGroups(options: [ParameterInfo])

    /// Name used in messages and the catalog.
    public var name: String {
        switch self {
        case .number: "number"
        case .integer: "integer"
        case .boolean: "boolean"
        case .string: "string"
        case .numberList: "number_list"
        case .integerList: "integer_list"
        case .stringList: "string_list"
        case .matrix: "matrix"
        case .object: "object"
        case let .typed(section): section.rawValue
        case let .typedList(section): section.rawValue + "_list"
        case .parameterGroups: "param_group_list"
        }
    }
}

/// One parameter: name, shape, default and a one-line description.
public struct ParameterInfo: Sendable, Equatable {
    /// JSON key (snake_case).
    public var name: String
    /// Shape and allowed values.
    public var kind: ParameterKind
    /// Value used when absent (nil: required unless `nullable`).
    public var defaultValue: SpecValue?
    /// Whether null is allowed (and means "use the documented fallback").
    public var nullable: Bool
    /// What it does.
    public var summary: String

    /// Creates a parameter description.
    public init(_ name: String, _ kind: ParameterKind, default defaultValue: SpecValue? = nil,
                nullable: Bool = false, _ summary: String) {
        self.name = name; self.kind = kind; self.defaultValue = defaultValue
        self.nullable = nullable; self.summary = summary
    }

    /// Neither a default nor null-able: must be given.
    public var isRequired: Bool { defaultValue == nil && !nullable }
}

/// One choice of a typed object ("type": name) and its parameters.
public struct TypeInfo: Sendable, Equatable {
    /// The "type" value.
    public var type: String
    /// What it is.
    public var summary: String
    /// Its parameters.
    public var parameters: [ParameterInfo]
    /// Creates a type description.
    public init(_ type: String, _ summary: String, _ parameters: [ParameterInfo] = []) {
        self.type = type; self.summary = summary; self.parameters = parameters
    }
}
