/// The learning-rate schedule's "type"; each scales the optimizer's lr, stepped once per update.
public enum ScheduleKind: String, SpecKind {
    case constant, step, multistep, exponential, cosine
    case linearWarmup = "linear_warmup"
    case inverseSqrt = "inverse_sqrt"
    case oneCycle = "one_cycle"

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
        case .oneCycle: "OneCycleLR (cosine): max_lr/div_factor → max_lr → max_lr/(div_factor·final_div_factor)"
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] {
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
        ]
        }
    }

    /// γ of step and multistep.
    private static let decay = ParameterInfo("gamma", .number(.nonNegative), default: .number(0.1), "decay factor γ")
}
