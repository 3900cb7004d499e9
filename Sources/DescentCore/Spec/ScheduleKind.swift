/// The learning-rate schedule's "type"; each scales the optimizer's lr, stepped once per update.
public enum ScheduleKind: String, SpecKind {
    case constant, step, multistep, exponential, cosine
    case linearWarmup = "linear_warmup"
    case inverseSqrt = "inverse_sqrt"
    case oneCycle = "one_cycle"
    case linear, polynomial
    case constantFactor = "constant_factor"
    case cosineWarmRestarts = "cosine_warm_restarts"
    case cyclic, lambda
    case reduceOnPlateau = "reduce_on_plateau"
    case sequential

    /// One-line description for the catalog.
    public var summary: String {
        switch self {
        case .constant: "γ₀"
        case .step: "StepLR: γ₀·γ^⌊t/step_size⌋"
        case .multistep: "MultiStepLR: γ₀·γ^(milestones passed)"
        case .exponential: "ExponentialLR: γ₀·γᵗ"
        case .cosine: "CosineAnnealingLR closed form: η_min + (γ₀ − η_min)(1 + cos(πt/T_max))/2"
        case .linearWarmup: "LinearLR from start_factor·γ₀ to γ₀ over warmup_steps, then another schedule"
        case .inverseSqrt: "γ₀·min(s/w, √(w/s)), s = t + 1: linear warm-up, then 1/√t"
        case .oneCycle: "OneCycleLR: max_lr/div_factor → max_lr → max_lr/(div_factor·final_div_factor), momentum inversely with cycle_momentum"
        case .linear: "LinearLR: γ₀(s + (e − s)·min(T, t)/T)"
        case .polynomial: "PolynomialLR: γ₀(1 − min(T, t)/T)^power"
        case .constantFactor: "ConstantLR: γ₀·factor for the first total_iters steps, then γ₀"
        case .cosineWarmRestarts: "CosineAnnealingWarmRestarts: cosine from γ₀ to η_min over T_i steps, restarting; T_i = T₀·T_mult^i"
        case .cyclic: "CyclicLR: base_lr ↔ max_lr, triangular, triangular2 or exp_range; momentum inversely with cycle_momentum"
        case .lambda: "LambdaLR: γ₀·λ(t), λ a formula in the step t"
        case .sequential: "SequentialLR: schedules[i] from milestones[i − 1] on, each counted from its milestone"
        case .reduceOnPlateau: "ReduceLROnPlateau on the batch loss after each update, or on each evaluation's training or validation loss: ×factor when it stops improving"
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] { Self.parameterTables[self] ?? builtParameters }

    /// Every kind's table, built once (`SpecKind.parameters` says why).
    private static let parameterTables = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.builtParameters) })

    /// Its parameters, built.
    private var builtParameters: [ParameterInfo] {
        switch self {
        case .constant: []
        case .step: [
            ParameterInfo("step_size", .integer(.stepCount), "steps between decays"),
            Self.decay,
        ]
        case .multistep: [
            ParameterInfo("milestones", .integerList(.stepCount), "increasing steps at which to decay"),
            Self.decay,
        ]
        case .exponential: [
            ParameterInfo("gamma", .number(.positive), "decay factor γ per step"),
        ]
        case .cosine: [
            ParameterInfo("t_max", .integer(.stepCount), "half period T_max in steps"),
            ParameterInfo("eta_min", .number(.nonNegative), default: .number(0), "smallest rate η_min"),
        ]
        case .linearWarmup: [
            ParameterInfo("warmup_steps", .integer(.stepCount), "warm-up length"),
            ParameterInfo("start_factor", .number(.init(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: true)),
                          default: .number(1.0 / 3.0), "first step's fraction of γ₀"),
            ParameterInfo("then", .typed(section: .schedule), default: .object(["type": .string(Self.constant.rawValue)]),
                          "schedule after warm-up, counted from 0"),
        ]
        case .inverseSqrt: [
            ParameterInfo("warmup_steps", .integer(.stepCount), "w, steps to the peak γ₀"),
        ]
        case .oneCycle: [
            ParameterInfo("max_lr", .number(.positive), nullable: true, "peak rate (null: the optimizer's lr)"),
            ParameterInfo("total_steps", .integer(.stepCount), nullable: true, "cycle length (null: the spec's steps)"),
            ParameterInfo("pct_start", .number(.init(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)),
                          default: .number(0.3), "share of the cycle spent increasing"),
            ParameterInfo("div_factor", .number(.positive), default: .number(25), "max_lr / initial rate"),
            ParameterInfo("final_div_factor", .number(.positive), default: .number(1e4), "initial rate / final rate"),
            ParameterInfo("three_phase", .boolean, default: .bool(false),
                          "fall back to the initial rate at 2·pct_start·total − 2 before the final decay"),
            ParameterInfo("anneal_strategy", .string(allowed: ["cos", "linear"]), default: .string("cos"), "shape of each phase"),
        ] + Self.momentumCycling(base: 0.85, max: 0.95)
        case .linear: [
            ParameterInfo("start_factor", .number(.init(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: true)),
                          default: .number(1.0 / 3.0), "factor s of γ₀ at t = 0"),
            ParameterInfo("end_factor", .number(.unitClosed), default: .number(1), "factor e of γ₀ from t = T on"),
            Self.totalIters,
        ]
        case .constantFactor: [
            ParameterInfo("factor", .number(.unitClosed), default: .number(1.0 / 3.0), "factor of γ₀ for the first total_iters steps"),
            Self.totalIters,
        ]
        case .polynomial: [
            Self.totalIters,
            ParameterInfo("power", .number(.nonNegative), default: .number(1), "exponent of the decay"),
        ]
        case .cosineWarmRestarts: [
            ParameterInfo("t_0", .integer(.stepCount), "T₀, steps to the first restart"),
            ParameterInfo("t_mult", .integer(.stepCount), default: .number(1), "T_mult, factor of each period over the last"),
            ParameterInfo("eta_min", .number(.nonNegative), default: .number(0), "smallest rate η_min"),
        ]
        case .cyclic: [
            ParameterInfo("base_lr", .number(.nonNegative), nullable: true, "lower rate (null: the optimizer's lr)"),
            ParameterInfo("max_lr", .number(.nonNegative), "upper rate"),
            ParameterInfo("step_size_up", .integer(.stepCount), default: .number(2000), "steps from base_lr up to max_lr"),
            ParameterInfo("step_size_down", .integer(.stepCount), nullable: true, "steps back down (null: step_size_up)"),
            ParameterInfo("mode", .string(allowed: LearningRateSchedule.CyclicMode.allCases.map(\.rawValue)),
                          default: .string("triangular"), "amplitude: constant, halved each cycle, or ×gammaᵗ"),
            ParameterInfo("gamma", .number(.positive), default: .number(1), "γ of exp_range"),
        ] + Self.momentumCycling(base: 0.8, max: 0.9)
        case .lambda: [
            ParameterInfo("factor", .string(allowed: nil), "λ(t), a formula in t (+ − * / ^ exp log sin cos tanh sqrt), e.g. 0.95^t"),
        ]
        case .sequential: [
            ParameterInfo("schedules", .typedList(section: .schedule),
                          "the schedules in order (not sequential, linear_warmup, reduce_on_plateau, one_cycle or cyclic)"),
            ParameterInfo("milestones", .integerList(.stepCount), "increasing steps at which the next schedule starts, one fewer than schedules"),
        ]
        case .reduceOnPlateau: [
            ParameterInfo("mode", .string(allowed: ["min", "max"]), default: .string("min"), "whether a lower or a higher loss is better"),
            ParameterInfo("factor", .number(.init(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)),
                          default: .number(0.1), "factor of each reduction"),
            ParameterInfo("patience", .integer(.atLeast(0)), default: .number(10),
                          "steps without improvement tolerated before a reduction"),
            ParameterInfo("threshold", .number(.nonNegative), default: .number(1e-4), "smallest improvement that counts"),
            ParameterInfo("threshold_mode", .string(allowed: ["rel", "abs"]), default: .string("rel"),
                          "threshold relative to the best loss (rel) or absolute (abs)"),
            ParameterInfo("cooldown", .integer(.atLeast(0)), default: .number(0), "steps after a reduction that count as good"),
            ParameterInfo("min_lr", .number(.nonNegative), default: .number(0), "floor of the rate"),
            ParameterInfo("eps", .number(.nonNegative), default: .number(1e-8), "reductions smaller than eps are skipped"),
            ParameterInfo("metric", .string(allowed: ReduceOnPlateau.Metric.allCases.map(\.rawValue)), default: .string("batch_loss"),
                          "what is observed: each update's batch loss, or each evaluation's training or validation loss (dataset objectives)"),
        ]
        }
    }

    /// one_cycle's and cyclic's momentum cycling, with torch's default range (`base`, `max`).
    private static func momentumCycling(base: Double, max: Double) -> [ParameterInfo] {
        [
            ParameterInfo("cycle_momentum", .boolean, default: .bool(false),
                          "cycle the momentum inversely to the rate (sgd, rmsprop: momentum; adam, adamw, nadam, radam, adamax: β₁); "
                          + "torch's default is true"),
            ParameterInfo("base_momentum", .number(.unitOpen), default: .number(base), "momentum at the peak rate"),
            ParameterInfo("max_momentum", .number(.unitOpen), default: .number(max),
                          "momentum at the lowest rate, where the cycle starts; at least base_momentum"),
        ]
    }

    /// T of linear and polynomial.
    private static let totalIters = ParameterInfo("total_iters", .integer(.stepCount), default: .number(5), "T, steps the change takes")
    /// γ of step and multistep.
    private static let decay = ParameterInfo("gamma", .number(.nonNegative), default: .number(0.1), "decay factor γ")
}
