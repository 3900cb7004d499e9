/// The experiment's top-level parameter table; each section's table is its kind enum's cases
/// (`ObjectiveKind`, `DatasetKind`, `GeneratorKind`, `OptimizerKind`, `ScheduleKind`).
public enum SpecTables {
    /// Top-level fields of an experiment spec.
    public static let experiment: [ParameterInfo] = [
        ParameterInfo("name", .string(allowed: nil), default: .string("experiment"), "display name"),
        ParameterInfo("tags", .stringList, default: .array([]), "labels for searching"),
        ParameterInfo("seed", .integer(.init(lower: 0, lowerInclusive: true, upper: 0x1p53, upperInclusive: false)),
                      default: .number(0), "seed of data, initial parameters and shuffles"),
        ParameterInfo("objective", .typed(section: .objective), "the loss to minimise"),
        ParameterInfo("dataset", .typed(section: .dataset), nullable: true, "training data (dataset objectives only)"),
        ParameterInfo("optimizer", .typed(section: .optimizer), "the update rule"),
        ParameterInfo("schedule", .typed(section: .schedule), nullable: true, "learning-rate schedule (null: constant)"),
        ParameterInfo("transforms", .typedList(section: .transform), default: .array([]),
                      "gradient transforms applied in order before each update, and at most one parameter average (ema or polyak)"),
        ParameterInfo("batch_size", .integer(.atLeast(1)), nullable: true, "mini-batch size (dataset objectives; null: full batch)"),
        ParameterInfo("drop_last", .boolean, default: .bool(false), "drop each epoch's last partial batch (dataset objectives)"),
        ParameterInfo("start", .numberList(.any, count: nil), nullable: true,
                      "initial parameters (null: the model's initialisation, or uniform in [-1, 1] from the seed)"),
        ParameterInfo("steps", .integer(.stepCount), default: .number(1000), "step budget"),
        ParameterInfo("epochs", .integer(.stepCount), nullable: true,
                      "budget in epochs instead of steps (dataset objectives): epochs × ⌈N/B⌉ steps; not with steps"),
        ParameterInfo("evaluation", .object([
            ParameterInfo("every", .integer(.stepCount), nullable: true,
                          "steps between full training-set evaluations (null: every epoch, ⌈N/B⌉ steps)"),
        ]), nullable: true, "when the full training-set loss behind best_loss, best_step and loss_target is evaluated (dataset objectives)"),
        ParameterInfo("stop", .object([
            ParameterInfo("grad_norm_tol", .number(.nonNegative), default: .number(0), "stop when ‖g‖ ≤ this (0: never)"),
            ParameterInfo("loss_target", .number(.any), nullable: true,
                          "stop when the loss ≤ this (dataset objectives: the full training-set loss at an evaluation)"),
            ParameterInfo("divergence_factor", .number(.above(1)), default: .number(1e6), "diverged when |L| > factor·|L₀|"),
        ]), default: .object([:]), "stopping rules besides the budget"),
        ParameterInfo("record_every", .integer(.stepCount), default: .number(1), "record every k-th step"),
        ParameterInfo("record_params", .boolean, default: .bool(true), "record the parameters with each row"),
        ParameterInfo("record_internals", .boolean, default: .bool(false),
                      "record the optimizer's internals with each row: its state vectors (per coordinate up to 8 parameters, "
                      + "else their norms), the averaged point, the update's norm and effective step size"),
        ParameterInfo("analysis", .object([
            ParameterInfo("sharpness_every", .integer(.stepCount), nullable: true,
                          "steps between records of λmax of the full training loss and the gradient's alignment with its eigenvector (null: none)"),
            ParameterInfo("layer_stats", .boolean, default: .bool(false),
                          "record each hidden layer's pre-activation mean and standard deviation at every evaluation (mlp only)"),
        ]), nullable: true, "analysis recorded along the run; it reads θ only, so the run is the same without it"),
    ]

    /// The experiment's fields with the bounds `limits` adds to them, as `ExperimentSpec.validated(limits:)`
    /// applies them: what the catalog shows. The step budget gets its maximum, and the step budget and
    /// `record_every` say how many rows a run may record.
    public static func experiment(limitedBy limits: SpecLimits) -> [ParameterInfo] {
        let rows = " (steps / record_every recorded rows: at most \(limits.maxTrajectoryPoints))"
        return experiment.map { p in
            var limited = p
            switch p.name {
            case "steps":
                guard case let .integer(range) = p.kind else { return p }
                limited.kind = .integer(NumericRange(lower: range.lower, lowerInclusive: range.lowerInclusive,
                                                     upper: Double(limits.maxSteps), upperInclusive: true))
                limited.summary += rows
            case "record_every": limited.summary += rows
            default: break
            }
            return limited
        }
    }
}

extension NumericRange {
    /// (0, ∞).
    static let positive = NumericRange.above(0)
    /// [0, ∞).
    static let nonNegative = NumericRange.atLeast(0)
    /// [1, ∞): step counts and sizes.
    static let stepCount = NumericRange.atLeast(1)
}
