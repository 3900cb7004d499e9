/// A `{"type": …, parameters…}` object of one catalog section, checked when decoded.
public protocol TypedSpec: Codable, Sendable, Equatable {
    /// Catalog section ("objective", "dataset", "optimizer", "schedule").
    static var section: String { get }
    /// The chosen type.
    var type: String { get }
    /// The other members as given (absent ones take the table's defaults).
    var parameters: [String: SpecValue] { get }
    /// Creates an unchecked spec (`validated()` checks it).
    init(type: String, parameters: [String: SpecValue])
}

extension TypedSpec {
    /// Checks `value` against the table and builds the spec; errors name paths under `path`.
    public init(checking value: SpecValue, path: String) throws(SpecError) {
        let (info, members) = try SpecChecker.checkTyped(value, section: Self.section, path: path)
        self.init(type: info.type, parameters: members)
    }

    /// Decodes strictly: unknown types or fields and out-of-range values throw `SpecError`.
    public init(from decoder: any Decoder) throws {
        let value = try SpecValue(from: decoder)
        try self.init(checking: value, path: SpecChecker.path(decoder.codingPath))
    }

    /// Encodes as one object with "type" first among equals.
    public func encode(to encoder: any Encoder) throws {
        try asValue.encode(to: encoder)
    }

    /// The spec as a JSON value.
    public var asValue: SpecValue {
        var members = parameters
        members["type"] = .string(type)
        return .object(members)
    }

    /// Re-checks the spec (for specs built in code rather than decoded).
    func check(path: String) throws(SpecError) { _ = try SpecChecker.checkTyped(asValue, section: Self.section, path: path) }

    /// The parameter's value, or its table default (`.null` when neither).
    func value(_ name: String) -> SpecValue {
        if let v = parameters[name], !v.isNull { return v }
        let info = SpecTables.types(of: Self.section).first { $0.type == type }
        return info?.parameters.first { $0.name == name }?.defaultValue ?? .null
    }

    /// A number parameter (0 when absent without default).
    func number(_ name: String) -> Double { value(name).number ?? 0 }
    /// An integer parameter (0 when absent without default).
    func integer(_ name: String) -> Int { value(name).integer ?? 0 }
    /// A Boolean parameter (false when absent without default).
    func flag(_ name: String) -> Bool { value(name).bool ?? false }
}

/// The objective of an experiment: `{"type": "rosenbrock", "a": 1, "b": 100}` etc.
public struct ObjectiveSpec: TypedSpec {
    /// "objective".
    public static let section = "objective"
    /// Objective type.
    public var type: String
    /// Its parameters.
    public var parameters: [String: SpecValue]
    /// Creates an unchecked objective spec.
    public init(type: String, parameters: [String: SpecValue] = [:]) { self.type = type; self.parameters = parameters }
}

/// The training data: `{"type": "synthetic", "generator": "two_moons", …}` or `{"type": "inline", "x": …, "y": …}`.
public struct DatasetSpec: TypedSpec {
    /// "dataset".
    public static let section = "dataset"
    /// Dataset type.
    public var type: String
    /// Its parameters.
    public var parameters: [String: SpecValue]
    /// Creates an unchecked dataset spec.
    public init(type: String, parameters: [String: SpecValue] = [:]) { self.type = type; self.parameters = parameters }
}

/// The optimizer: `{"type": "adam", "lr": 0.001, …}`.
public struct OptimizerSpec: TypedSpec {
    /// "optimizer".
    public static let section = "optimizer"
    /// Optimizer type.
    public var type: String
    /// Its parameters.
    public var parameters: [String: SpecValue]
    /// Creates an unchecked optimizer spec.
    public init(type: String, parameters: [String: SpecValue] = [:]) { self.type = type; self.parameters = parameters }
}

/// The learning-rate schedule: `{"type": "cosine", "t_max": 1000}` etc.
public struct ScheduleSpec: TypedSpec {
    /// "schedule".
    public static let section = "schedule"
    /// Schedule type.
    public var type: String
    /// Its parameters.
    public var parameters: [String: SpecValue]
    /// Creates an unchecked schedule spec.
    public init(type: String, parameters: [String: SpecValue] = [:]) { self.type = type; self.parameters = parameters }
}
