/// The optimizer's "type"; names and defaults as in `torch.optim`, plus the lecture's variants.
public enum OptimizerKind: String, SpecKind {
    case sgd
    case momentumLecture = "momentum_lecture"
    case adagrad
    case adagradLecture = "adagrad_lecture"
    case rmsprop
    case rmspropLecture = "rmsprop_lecture"
    case adam, adamw
    case newton
    case saddleFreeNewton = "saddle_free_newton"
    case negativeCurvature = "negative_curvature"

    /// One-line description for the catalog.
    public var summary: String {
        switch self {
        case .sgd: "torch.optim.SGD: gradient descent with optional momentum, dampening, Nesterov, L2"
        case .momentumLecture: "the lecture's momentum: m ← λm − ηg, θ ← θ + m"
        case .adagrad: "torch.optim.Adagrad"
        case .adagradLecture: "the lecture's Adagrad: σ_t = RMS of all past gradients, θ ← θ − η/σ_t ⊙ g with constant η"
        case .rmsprop: "torch.optim.RMSprop"
        case .rmspropLecture: "the lecture's RMSprop: σ₀ = |g₀|, σ_t = √(ασ²_{t−1} + (1 − α)g²_t)"
        case .adam: "torch.optim.Adam (L2 weight decay)"
        case .adamw: "torch.optim.AdamW (decoupled weight decay θ ← θ − γλθ)"
        case .newton: "damped Newton: θ ← θ − η(H + μI)⁺g (dense H for n ≤ 64, Krylov space of g above)"
        case .saddleFreeNewton: "saddle-free Newton (Dauphin et al. 2014): θ ← θ − η(|H| + μI)⁺g, |H| from the eigendecomposition"
        case .negativeCurvature: "gradient descent; when ‖g‖ ≤ grad_tol and λmin < 0, a step of length escape_step along the eigenvector of λmin instead"
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] {
        switch self {
        case .sgd: [
            Self.lr(1e-3),
            ParameterInfo("momentum", .number(.nonNegative), default: .number(0), "μ"),
            ParameterInfo("dampening", .number(.unitClosed), default: .number(0), "τ"),
            ParameterInfo("nesterov", .boolean, default: .bool(false), "Nesterov momentum (needs momentum > 0, dampening 0)"),
            Self.l2Penalty,
            ParameterInfo("maximize", .boolean, default: .bool(false), "ascend instead of descend"),
        ]
        case .momentumLecture: [
            Self.lr(1e-2),
            ParameterInfo("momentum", .number(.unitOpen), default: .number(0.9), "λ"),
        ]
        case .adagrad: [
            Self.lr(1e-2),
            ParameterInfo("lr_decay", .number(.nonNegative), default: .number(0), "η in γ/(1 + (t − 1)η)"),
            Self.l2Penalty,
            ParameterInfo("initial_accumulator_value", .number(.nonNegative), default: .number(0), "initial Σg²"),
            Self.eps(1e-10, "ε added to √Σg²"),
        ]
        case .adagradLecture: [
            Self.lr(1e-2),
            ParameterInfo("sqrt_decay", .boolean, default: .bool(false), "η_t = η/√(t+1), which makes it PyTorch's Adagrad (false: constant η, the lecture's form)"),
            Self.eps(1e-10, "ε added to σ"),
        ]
        case .rmsprop: [
            Self.lr(1e-2),
            ParameterInfo("alpha", .number(.unitClosed), default: .number(0.99), "α, smoothing of g²"),
            Self.eps(1e-8, "ε added to √v"),
            Self.l2Penalty,
            ParameterInfo("momentum", .number(.nonNegative), default: .number(0), "μ"),
            ParameterInfo("centered", .boolean, default: .bool(false), "divide by the estimated variance instead"),
        ]
        case .rmspropLecture: [
            Self.lr(1e-2),
            ParameterInfo("alpha", .number(.unitClosed), default: .number(0.9), "α"),
            Self.eps(1e-10, "ε added to σ"),
        ]
        case .adam: [Self.lr(1e-3), Self.betas, Self.eps(1e-8, "ε added to √v̂"), Self.l2Penalty, Self.amsgrad]
        case .adamw: [
            Self.lr(1e-3), Self.betas, Self.eps(1e-8, "ε added to √v̂"),
            ParameterInfo("weight_decay", .number(.nonNegative), default: .number(1e-2), "λ, decoupled weight decay"), Self.amsgrad,
        ]
        case .newton: [Self.lr(1), Self.damping(0), Self.krylovDimension]
        case .saddleFreeNewton: [Self.lr(1), Self.damping(1e-3), Self.krylovDimension]
        case .negativeCurvature: [
            Self.lr(1e-2),
            ParameterInfo("grad_tol", .number(.nonNegative), default: .number(1e-3), "ε: the curvature test runs when ‖g‖ ≤ ε"),
            ParameterInfo("escape_step", .number(.above(0)), default: .number(0.5), "s, length of the step along the eigenvector of λmin"),
        ]
        }
    }

    private static func lr(_ d: Double) -> ParameterInfo {
        ParameterInfo("lr", .number(.nonNegative), default: .number(d), "base learning rate γ₀")
    }
    private static func damping(_ d: Double) -> ParameterInfo {
        ParameterInfo("damping", .number(.nonNegative), default: .number(d), "μ, added to each eigenvalue (|eigenvalue|) before inverting")
    }
    private static let krylovDimension = ParameterInfo("krylov_dimension", .integer(.atLeast(1)), default: .number(30),
                                                       "m, Lanczos steps from g above 64 parameters")
    private static func eps(_ d: Double, _ summary: String) -> ParameterInfo {
        ParameterInfo("eps", .number(.nonNegative), default: .number(d), summary)
    }
    private static let l2Penalty = ParameterInfo("weight_decay", .number(.nonNegative), default: .number(0),
                                                 "λ, L2 penalty added to the gradient")
    private static let betas = ParameterInfo("betas", .numberList(.unitOpen, count: 2), default: .array([.number(0.9), .number(0.999)]),
                                             "(β₁, β₂) running-average coefficients")
    private static let amsgrad = ParameterInfo("amsgrad", .boolean, default: .bool(false), "use the running maximum of v")
}
