/// Machine-readable description of everything a spec may name (for `GET /v1/catalog` and forms).
///
/// Derived from the kind enums and `SpecTables.experiment`, the same tables the spec checks use, so
/// the two cannot disagree; bounds that come from the service's limits (the step budget) are added by
/// `document(limits:)`.
public enum Catalog {
    /// The catalog under the given limits: what `GET /v1/catalog` serves.
    public static func document(limits: SpecLimits) -> CatalogDocument {
        var doc = document
        doc.experiment = SpecTables.experiment(limitedBy: limits).map(CatalogParameter.init)
        return doc
    }

    /// The whole catalog under the default limits.
    public static let document = CatalogDocument(
        objectives: ObjectiveKind.table.map(CatalogType.init),
        datasets: DatasetKind.table.map(CatalogType.init),
        generators: GeneratorKind.table.map(CatalogType.init),
        optimizers: OptimizerKind.table.map(CatalogType.init),
        schedules: ScheduleKind.table.map(CatalogType.init),
        transforms: TransformKind.table.map(CatalogType.init),
        experiment: SpecTables.experiment(limitedBy: SpecLimits()).map(CatalogParameter.init),
        datasetObjectives: ModelKind.allCases.map(\.rawValue).sorted())
}

/// The catalog: every type per section and the experiment's top-level fields.
public struct CatalogDocument: Sendable, Equatable, Codable {
    /// Objective types.
    public var objectives: [CatalogType]
    /// Dataset types.
    public var datasets: [CatalogType]
    /// Synthetic dataset generators.
    public var generators: [CatalogType]
    /// Optimizer types.
    public var optimizers: [CatalogType]
    /// Schedule types.
    public var schedules: [CatalogType]
    /// Gradient transform and parameter average types (entries of the spec's `transforms`).
    public var transforms: [CatalogType]
    /// Top-level experiment fields.
    public var experiment: [CatalogParameter]
    /// Objective types that need a dataset.
    public var datasetObjectives: [String]

    enum CodingKeys: String, CodingKey {
        case objectives, datasets, generators, optimizers, schedules, transforms, experiment
        case datasetObjectives = "dataset_objectives"
    }
}

/// One type of a section.
public struct CatalogType: Sendable, Equatable, Codable {
    /// The "type" value.
    public var type: String
    /// One-line description.
    public var description: String
    /// Its parameters.
    public var parameters: [CatalogParameter]

    /// The catalog form of a table entry.
    public init(_ info: TypeInfo) {
        type = info.type; description = info.summary; parameters = info.parameters.map(CatalogParameter.init)
    }
}

/// One parameter: JSON shape, default, allowed range or values, and a description.
public struct CatalogParameter: Sendable, Equatable, Codable {
    /// JSON key.
    public var name: String
    /// number, integer, boolean, string, number_list, integer_list, string_list, matrix, object, or a section name.
    public var kind: String
    /// Default when absent.
    public var defaultValue: SpecValue?
    /// Must be given.
    public var required: Bool
    /// null allowed.
    public var nullable: Bool
    /// Allowed interval in notation like "[0, 1)" (numbers and their lists).
    public var range: String?
    /// Lower bound.
    public var minimum: Double?
    /// Upper bound.
    public var maximum: Double?
    /// Whether the minimum is excluded.
    public var exclusiveMinimum: Bool?
    /// Whether the maximum is excluded.
    public var exclusiveMaximum: Bool?
    /// Allowed strings.
    public var allowed: [String]?
    /// Exact element count of a list.
    public var length: Int?
    /// Members of an object parameter.
    public var fields: [CatalogParameter]?
    /// One-line description.
    public var description: String

    /// The catalog form of a table entry.
    public init(_ info: ParameterInfo) {
        name = info.name; kind = info.kind.name; defaultValue = info.defaultValue
        required = info.isRequired; nullable = info.nullable; description = info.summary
        var numeric: NumericRange?
        switch info.kind {
        case let .number(r), let .integer(r), let .integerList(r): numeric = r
        case let .numberList(r, count): numeric = r; length = count
        case let .string(allowed): self.allowed = allowed
        case let .object(members): fields = members.map(CatalogParameter.init)
        case let .parameterGroups(options): fields = ([ParameterGroupSelection.parameter] + options).map(CatalogParameter.init)
        case .boolean, .stringList, .matrix, .typed, .typedList: break
        }
        if let r = numeric, r != .any {
            range = r.text
            minimum = r.lower; maximum = r.upper
            exclusiveMinimum = r.lower.map { _ in !r.lowerInclusive }
            exclusiveMaximum = r.upper.map { _ in !r.upperInclusive }
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, required, nullable, range, minimum, maximum, allowed, length, fields, description
        case defaultValue = "default", exclusiveMinimum = "exclusive_minimum", exclusiveMaximum = "exclusive_maximum"
    }
}
