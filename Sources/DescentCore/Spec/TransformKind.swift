/// A gradient transform's "type" (one entry of the spec's `transforms` list), or a parameter average.
///
/// The gradient transforms change the batch gradient between its evaluation and the update, in list order;
/// `accumulate`, first in the list, forms that gradient from several mini-batches; the averages (`ema`, `polyak`) keep a running average of the parameters after every update and change
/// nothing the optimizer sees, so where they stand in the list does not matter (at most one per spec).
public enum TransformKind: String, SpecKind {
    case clipGradNorm = "clip_grad_norm"
    case clipGradValue = "clip_grad_value"
    case gradientNoise = "gradient_noise"
    case ema, polyak
    case accumulate

    /// One-line description for the catalog.
    public var summary: String {
        switch self {
        case .clipGradNorm: "torch.nn.utils.clip_grad_norm_: g ← g·min(1, max_norm/(‖g‖ + 1e-6)), ‖·‖ the 2- or ∞-norm"
        case .clipGradValue: "torch.nn.utils.clip_grad_value_: each gᵢ clamped to [−clip_value, clip_value]"
        case .gradientNoise: "g ← g + N(0, η/(1 + t)^γ) per coordinate, seeded from the spec's seed (Neelakantan et al. 2015)"
        case .ema: "exponential moving average of the parameters after each update (torch.optim.swa_utils get_ema_multi_avg_fn)"
        case .polyak: "Polyak average: the mean of the parameters after each update (torch.optim.swa_utils.AveragedModel's default)"
        case .accumulate: "gradient accumulation: each update's gradient is Σ gⱼ/k over k consecutive mini-batches (torch: loss/k, k backward passes, one step)"
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] { Self.parameterTables[self] ?? builtParameters }

    /// Every kind's table, built once (`SpecKind.parameters` says why).
    private static let parameterTables = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.builtParameters) })

    /// Its parameters, built.
    private var builtParameters: [ParameterInfo] {
        switch self {
        case .clipGradNorm: [
            ParameterInfo("max_norm", .number(.nonNegative), "largest gradient norm let through"),
            ParameterInfo("norm_type", .string(allowed: ["2", "inf"]), default: .string("2"),
                          "the norm: \"2\" (Euclidean) or \"inf\" (largest |gᵢ|)"),
        ]
        case .clipGradValue: [
            ParameterInfo("clip_value", .number(.nonNegative), "largest |gᵢ| let through"),
        ]
        case .gradientNoise: [
            ParameterInfo("eta", .number(.positive), default: .number(0.01), "η, the noise variance at t = 0"),
            ParameterInfo("gamma", .number(.nonNegative), default: .number(0.55), "γ, the decay exponent of the variance"),
        ]
        case .ema: [
            ParameterInfo("decay", .number(.unitClosed), default: .number(0.999), "weight of the old average at each update"),
        ]
        case .polyak: []
        case .accumulate: [
            ParameterInfo("steps", .integer(.stepCount), "k, mini-batches per update (first in the list; needs batch_size)"),
        ]
        }
    }

    /// Whether it averages the parameters rather than transforming the gradient.
    public var isAverage: Bool {
        switch self {
        case .ema, .polyak: true
        case .clipGradNorm, .clipGradValue, .gradientNoise, .accumulate: false
        }
    }
}
