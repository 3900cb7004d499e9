// Spec/ — the JSON spec of an experiment: checks, builders and the catalog, all from one set of tables.
//
// Kinds: every "type" a spec may name is a case of a `SpecKind` enum that also holds its summary and
// parameter table — `ObjectiveKind` (a `ClosedFormKind` or a `ModelKind`), `DatasetKind`, `GeneratorKind`,
// `OptimizerKind`, `ScheduleKind`. The checker parses the name into the enum once (`TypedSpec.kind`,
// `SpecChecker.checkTyped`); an unknown name stays the spec error `unknown_type`. Builders and tables
// `switch` over the enums without `default:`, so a new case does not compile until every place handles it,
// and the catalog (`Catalog.document`) is derived from `allCases`.
//
// Builders: one style — a `build(…)` method on the spec (`ObjectiveSpec.build`, `DatasetSpec.build`,
// `OptimizerSpec.build`, `ScheduleSpec.build`) that re-checks the parameters, then switches over `kind`.
// Chosen over the free function (`makeObjective`) and the namespace enum (`DatasetFactory.make`) it replaces
// because the spec already holds all a builder reads — kind, parameters, and table defaults through
// `value`/`number`/`integer`/`flag` — so nothing is passed alongside it, and the builder is found on the value.

/// The JSON spec of one experiment (`descent run` and `POST /v1/experiments`), snake_case keys.
///
/// Decoding is strict: unknown fields or types and out-of-range values throw `SpecError` with
/// the field's JSON path. Absent fields take the defaults listed in `SpecTables.experiment`.
public struct ExperimentSpec: Codable, Sendable, Equatable {
    /// Display name.
    public var name: String
    /// Labels.
    public var tags: [String]
    /// Seed of data, initial parameters and shuffles (< 2⁵³).
    public var seed: UInt64
    /// The loss.
    public var objective: ObjectiveSpec
    /// Training data (dataset objectives only).
    public var dataset: DatasetSpec?
    /// The update rule.
    public var optimizer: OptimizerSpec
    /// Learning-rate schedule; nil = constant.
    public var schedule: ScheduleSpec?
    /// Gradient transforms applied in order before each update, and at most one parameter average.
    public var transforms: [TransformSpec]
    /// Mini-batch size; nil = full batch.
    public var batchSize: Int?
    /// Drop each epoch's last partial batch.
    public var dropLast: Bool
    /// Initial parameters; nil = model initialisation / seeded uniform.
    public var start: [Double]?
    /// Step budget as given; nil when the budget is `epochs` (see `stepBudget`).
    public var steps: Int?
    /// Budget in epochs instead of steps (dataset objectives): epochs × batches per epoch steps.
    public var epochs: Int?
    /// Steps between evaluations of the full training-set loss (dataset objectives); nil = every epoch.
    public var evaluationEvery: Int?
    /// Stopping rules besides the budget.
    public var stop: StopSpec
    /// Record every k-th step.
    public var recordEvery: Int
    /// Record the parameters with each row.
    public var recordParams: Bool
    /// Record the optimizer's internals with each row (`record_internals`, see `OptimizerInternals`).
    public var recordInternals: Bool = false
    /// Steps between sharpness records (`analysis.sharpness_every`); nil = none.
    public var sharpnessEvery: Int? = nil
    /// Record each hidden layer's pre-activation statistics at every evaluation (`analysis.layer_stats`, MLP only).
    public var layerStats: Bool = false

    /// Creates a spec; defaults as in the JSON schema.
    public init(name: String = "experiment", tags: [String] = [], seed: UInt64 = 0, objective: ObjectiveSpec,
                dataset: DatasetSpec? = nil, optimizer: OptimizerSpec, schedule: ScheduleSpec? = nil,
                batchSize: Int? = nil, dropLast: Bool = false, start: [Double]? = nil, steps: Int? = 1000,
                epochs: Int? = nil, evaluationEvery: Int? = nil,
                stop: StopSpec = StopSpec(), recordEvery: Int = 1, recordParams: Bool = true,
                transforms: [TransformSpec] = []) {
        self.name = name; self.tags = tags; self.seed = seed; self.objective = objective; self.dataset = dataset
        self.optimizer = optimizer; self.schedule = schedule; self.batchSize = batchSize; self.dropLast = dropLast
        self.start = start; self.steps = steps; self.epochs = epochs; self.evaluationEvery = evaluationEvery
        self.stop = stop; self.recordEvery = recordEvery
        self.recordParams = recordParams
        self.transforms = transforms
    }

    /// Builds a spec from JSON already parsed into a `SpecValue`, checking every field.
    public init(checking value: SpecValue) throws(SpecError) {
        let checked = try SpecIssues.firstError { issues in SpecChecker.checkObject(value, SpecTables.experiment, path: "", into: &issues) }
        let m = checked ?? [:]
        func get(_ key: String) -> SpecValue? { m[key].flatMap { $0.isNull ? nil : $0 } }
        name = get("name")?.string ?? "experiment"
        tags = get("tags")?.strings ?? []
        seed = UInt64(get("seed")?.integer ?? 0)
        guard let objectiveValue = get("objective"), let optimizerValue = get("optimizer") else {
            throw SpecError(field: get("objective") == nil ? "objective" : "optimizer", message: "is required", code: "missing_field")
        }
        objective = try ObjectiveSpec(checking: objectiveValue, path: "objective")
        optimizer = try OptimizerSpec(checking: optimizerValue, path: "optimizer")
        if let d = get("dataset") { dataset = try DatasetSpec(checking: d, path: "dataset") } else { dataset = nil }
        if let s = get("schedule") { schedule = try ScheduleSpec(checking: s, path: "schedule") } else { schedule = nil }
        var transforms: [TransformSpec] = []
        for (i, item) in (get("transforms")?.array ?? []).enumerated() {
            transforms.append(try TransformSpec(checking: item, path: "transforms[\(i)]"))
        }
        self.transforms = transforms
        batchSize = get("batch_size")?.integer
        dropLast = get("drop_last")?.bool ?? false
        start = get("start")?.numbers
        epochs = get("epochs")?.integer
        steps = get("steps")?.integer ?? (epochs == nil ? 1000 : nil)
        evaluationEvery = get("evaluation")?.object?["every"].flatMap { $0.isNull ? nil : $0.integer }
        let s = get("stop")?.object ?? [:]
        stop = StopSpec(gradNormTol: s["grad_norm_tol"]?.number ?? 0, lossTarget: s["loss_target"]?.number,
                        divergenceFactor: s["divergence_factor"]?.number ?? 1e6)
        recordEvery = get("record_every")?.integer ?? 1
        recordParams = get("record_params")?.bool ?? true
        recordInternals = get("record_internals")?.bool ?? false
        sharpnessEvery = get("analysis")?.object?["sharpness_every"].flatMap { $0.isNull ? nil : $0.integer }
        layerStats = get("analysis")?.object?["layer_stats"]?.bool ?? false
    }

    /// Decodes strictly (see the type's description); errors are `SpecError`.
    public init(from decoder: any Decoder) throws {
        try self.init(checking: try SpecValue(from: decoder))
    }

    /// The spec as a JSON value with every field written out, except `analysis` (written only when set),
    /// `transforms` (only when there are any) and `record_internals` (only when true), so specs stored before those
    /// existed keep their canonical text.
    public var asValue: SpecValue {
        var stopMembers: [String: SpecValue] = ["grad_norm_tol": .number(stop.gradNormTol),
                                                "divergence_factor": .number(stop.divergenceFactor)]
        stopMembers["loss_target"] = stop.lossTarget.map(SpecValue.number) ?? .null
        var members: [String: SpecValue] = [
            "name": .string(name), "tags": .array(tags.map(SpecValue.string)), "seed": .number(Double(seed)),
            "objective": objective.asValue, "dataset": dataset?.asValue ?? .null, "optimizer": optimizer.asValue,
            "schedule": schedule?.asValue ?? .null, "batch_size": batchSize.map { .number(Double($0)) } ?? .null,
            "drop_last": .bool(dropLast), "start": start.map { .array($0.map(SpecValue.number)) } ?? .null,
            "steps": steps.map { .number(Double($0)) } ?? .null, "epochs": epochs.map { .number(Double($0)) } ?? .null,
            "evaluation": evaluationEvery.map { .object(["every": .number(Double($0))]) } ?? .null,
            "stop": .object(stopMembers),
            "record_every": .number(Double(recordEvery)), "record_params": .bool(recordParams),
        ]
        var analysis: [String: SpecValue] = [:]
        if let k = sharpnessEvery { analysis["sharpness_every"] = .number(Double(k)) }
        if layerStats { analysis["layer_stats"] = .bool(true) }
        if !analysis.isEmpty { members["analysis"] = .object(analysis) }
        if !transforms.isEmpty { members["transforms"] = .array(transforms.map(\.asValue)) }
        if recordInternals { members["record_internals"] = .bool(true) }
        return .object(members)
    }

    /// Encodes with snake_case keys.
    public func encode(to encoder: any Encoder) throws { try asValue.encode(to: encoder) }
}

/// Stopping rules besides the step budget.
public struct StopSpec: Codable, Sendable, Equatable {
    /// Stop when the batch gradient norm ≤ this; 0 = never.
    public var gradNormTol: Double
    /// Stop when the loss ≤ this: the full training-set loss at each evaluation for dataset objectives,
    /// the loss at every step for closed forms.
    public var lossTarget: Double?
    /// Diverged when |loss| > factor × |initial loss|.
    public var divergenceFactor: Double

    /// Creates stopping rules (defaults: 0, none, 1e6).
    public init(gradNormTol: Double = 0, lossTarget: Double? = nil, divergenceFactor: Double = 1e6) {
        self.gradNormTol = gradNormTol; self.lossTarget = lossTarget; self.divergenceFactor = divergenceFactor
    }
}
