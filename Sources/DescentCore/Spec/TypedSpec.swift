/// A kind that is chosen by the "type" member of one spec section's object.
public protocol SectionKind: SpecKind {
    /// The section whose "type" it is.
    static var section: SpecSection { get }
}

extension ObjectiveKind: SectionKind { public static let section = SpecSection.objective }
extension DatasetKind: SectionKind { public static let section = SpecSection.dataset }
extension OptimizerKind: SectionKind { public static let section = SpecSection.optimizer }
extension ScheduleKind: SectionKind { public static let section = SpecSection.schedule }
extension TransformKind: SectionKind { public static let section = SpecSection.transform }

/// A `{"type": …, parameters…}` object of one spec section; the name is parsed into `kind` when checked.
public struct TypedSpec<Kind: SectionKind>: Codable, Sendable, Equatable {
    /// The chosen kind.
    public var kind: Kind
    /// The other members as given (absent ones take the table's defaults).
    public var parameters: [String: SpecValue]

    /// Creates a spec whose parameters are checked when it is built (`validated()`).
    public init(_ kind: Kind, parameters: [String: SpecValue] = [:]) {
        self.kind = kind; self.parameters = parameters
    }

    /// The "type" name, e.g. "adam".
    public var type: String { kind.rawValue }

    /// Checks `value` against the kind's table and builds the spec; errors name paths under `path`.
    public init(checking value: SpecValue, path: String) throws(SpecError) {
        let checked = try SpecIssues.firstError { issues in SpecChecker.checkTyped(value, Kind.self, path: path, into: &issues) }
        guard let (kind, members) = checked else { throw SpecError(field: path, message: "is invalid", code: "invalid_value") }
        self.init(kind, parameters: members)
    }

    /// Decodes strictly: unknown types or fields and out-of-range values throw `SpecError`.
    public init(from decoder: any Decoder) throws {
        let value = try SpecValue(from: decoder)
        try self.init(checking: value, path: SpecChecker.path(decoder.codingPath))
    }

    /// Encodes as one object with its "type" among the parameters.
    public func encode(to encoder: any Encoder) throws {
        try asValue.encode(to: encoder)
    }

    /// The spec as a JSON value.
    public var asValue: SpecValue {
        var members = parameters
        members["type"] = .string(type)
        return .object(members)
    }

    /// Re-checks the parameters against the kind's table (for specs built in code rather than decoded).
    func check(path: String) throws(SpecError) {
        var members = parameters
        members["type"] = nil
        _ = try SpecIssues.firstError { issues in SpecChecker.checkObject(.object(members), kind.parameters, path: path, into: &issues) }
    }

    /// The parameter's value, or its table default (`.null` when neither).
    func value(_ name: String) -> SpecValue {
        if let v = parameters[name], !v.isNull { return v }
        return SectionDefaults.table[Kind.section]?[kind.rawValue]?[name] ?? .null
    }

    /// A number parameter (0 when absent without default).
    func number(_ name: String) -> Double { value(name).number ?? 0 }
    /// An integer parameter (0 when absent without default).
    func integer(_ name: String) -> Int { value(name).integer ?? 0 }
    /// A Boolean parameter (false when absent without default).
    func flag(_ name: String) -> Bool { value(name).bool ?? false }
}

/// The objective of an experiment: `{"type": "rosenbrock", "a": 1, "b": 100}` etc.
public typealias ObjectiveSpec = TypedSpec<ObjectiveKind>
/// The training data: `{"type": "synthetic", "generator": "two_moons", …}` or `{"type": "inline", "x": …, "y": …}`.
public typealias DatasetSpec = TypedSpec<DatasetKind>
/// The optimizer: `{"type": "adam", "lr": 0.001, …}`.
public typealias OptimizerSpec = TypedSpec<OptimizerKind>
/// The learning-rate schedule: `{"type": "cosine", "t_max": 1000}` etc.
public typealias ScheduleSpec = TypedSpec<ScheduleKind>
/// One gradient transform or parameter average: `{"type": "clip_grad_norm", "max_norm": 1}` etc.
public typealias TransformSpec = TypedSpec<TransformKind>

/// The table defaults of every section's kinds, by section, type name and parameter name, built once. Why: a spec's
/// build reads each parameter's default, and a search of the kind's table for each one (which, before the tables
/// were kept, rebuilt the table each time) was a tenth of a study's time.
enum SectionDefaults {
    static let table: [SpecSection: [String: [String: SpecValue]]] = [
        .objective: defaults(ObjectiveKind.self), .dataset: defaults(DatasetKind.self), .optimizer: defaults(OptimizerKind.self),
        .schedule: defaults(ScheduleKind.self), .transform: defaults(TransformKind.self),
    ]

    /// Each kind's parameters that have a default (the first entry of a name).
    private static func defaults<K: SpecKind>(_ kind: K.Type) -> [String: [String: SpecValue]] {
        Dictionary(K.allCases.map { k in
            (k.rawValue, Dictionary(k.parameters.compactMap { p in p.defaultValue.map { (p.name, $0) } }, uniquingKeysWith: { first, _ in first }))
        }, uniquingKeysWith: { first, _ in first })
    }
}
