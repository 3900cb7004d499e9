/// The optimizer's "type"; names and defaults as in `torch.optim`, plus the lecture's variants.
public enum OptimizerKind: String, SpecKind {
    case sgd
    case momentumLecture = "momentum_lecture"
    case adagrad
    case adagradLecture = "adagrad_lecture"
    case rmsprop
    case rmspropLecture = "rmsprop_lecture"
    case adam, adamw
    case nadam, radam, adamax, adadelta, rprop, asgd, lbfgs
    case lion, adabelief, yogi, lamb, lars, adan, sam, asam, prodigy
    case scheduleFreeSGD = "schedule_free_sgd"
    case scheduleFreeAdamW = "schedule_free_adamw"
    case muon
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
        case .nadam: "torch.optim.NAdam: Adam with Nesterov momentum and a momentum schedule"
        case .radam: "torch.optim.RAdam: Adam with the variance of its adaptive rate rectified"
        case .adamax: "torch.optim.Adamax: Adam with an infinity-norm second moment"
        case .adadelta: "torch.optim.Adadelta: steps scaled by the RMS of past updates over the RMS of gradients"
        case .rprop: "torch.optim.Rprop: sign-based steps, per-coordinate sizes grown or shrunk by the sign history"
        case .asgd: "torch.optim.ASGD: SGD with a decaying step and a running average of the iterates"
        case .lbfgs: "torch.optim.LBFGS: quasi-Newton; one step runs up to max_iter iterations on the full batch"
        case .lion: Self.lionSummary
        case .adabelief: Self.adabeliefSummary
        case .yogi: Self.yogiSummary
        case .lamb: Self.lambSummary
        case .lars: Self.larsSummary
        case .adan: Self.adanSummary
        case .sam: Self.samSummary
        case .asam: Self.asamSummary
        case .prodigy: Self.prodigySummary
        case .scheduleFreeSGD: Self.scheduleFreeSGDSummary
        case .scheduleFreeAdamW: Self.scheduleFreeAdamWSummary
        case .muon: Self.muonSummary
        case .newton: "damped Newton: θ ← θ − η(H + μI)⁺g (dense H for n ≤ 64, Krylov space of g above)"
        case .saddleFreeNewton: "saddle-free Newton (Dauphin et al. 2014): θ ← θ − η(|H| + μI)⁺g, |H| from the eigendecomposition"
        case .negativeCurvature: "gradient descent; when ‖g‖ ≤ grad_tol and λmin < 0, a step of length escape_step along the eigenvector of λmin instead"
        }
    }

    /// Its parameters: its options, and `param_groups` for the rules that take parameter groups.
    public var parameters: [ParameterInfo] { Self.parameterTables[self] ?? builtParameters }

    /// Every kind's table, built once (`SpecKind.parameters` says why).
    private static let parameterTables = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.builtParameters) })

    /// Its parameters, built.
    private var builtParameters: [ParameterInfo] {
        let options = self.options
        return acceptsParameterGroups ? options + [Self.parameterGroups(options)] : options
    }

    /// Whether the rule takes torch's parameter groups: the torch.optim rules that update each coordinate from
    /// its own gradient and state (L-BFGS is excluded, as torch excludes it).
    public var acceptsParameterGroups: Bool {
        switch self {
        case .sgd, .adagrad, .rmsprop, .adam, .adamw, .nadam, .radam, .adamax, .adadelta, .rprop, .asgd: true
        case .momentumLecture, .adagradLecture, .rmspropLecture, .lbfgs, .lion, .adabelief, .yogi, .lamb, .lars, .adan, .sam, .asam,
             .prodigy, .scheduleFreeSGD, .scheduleFreeAdamW, .muon, .newton, .saddleFreeNewton, .negativeCurvature: false
        }
    }

    /// The `param_groups` parameter: groups of tensors, each with any of `options` in place of the optimizer's.
    private static func parameterGroups(_ options: [ParameterInfo]) -> ParameterInfo {
        ParameterInfo("param_groups", .parameterGroups(options: options.map {
            ParameterInfo($0.name, $0.kind, nullable: true, $0.summary + " (absent or null: the optimizer's)")
        }), default: .array([]), "torch's param_groups: tensors chosen by name or kind, each group with its own options; "
            + "the tensors in no group use the optimizer's")
    }

    /// The rule's own options (every parameter but `param_groups`).
    private var options: [ParameterInfo] {
        switch self {
        case .sgd: [
            Self.lr(1e-3),
            ParameterInfo("momentum", .number(.nonNegative), default: .number(0), "μ"),
            ParameterInfo("dampening", .number(.unitClosed), default: .number(0), "τ"),
            ParameterInfo("nesterov", .boolean, default: .bool(false), "Nesterov momentum (needs momentum > 0, dampening 0)"),
            Self.l2Penalty,
            Self.maximize,
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
            Self.maximize,
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
            Self.maximize,
        ]
        case .rmspropLecture: [
            Self.lr(1e-2),
            ParameterInfo("alpha", .number(.unitClosed), default: .number(0.9), "α"),
            Self.eps(1e-10, "ε added to σ"),
        ]
        case .adam: [
            Self.lr(1e-3), Self.betas, Self.eps(1e-8, "ε added to √v̂"), Self.l2Penalty, Self.amsgrad, Self.maximize,
            Self.decoupledWeightDecay,
        ]
        case .adamw: [
            Self.lr(1e-3), Self.betas, Self.eps(1e-8, "ε added to √v̂"),
            ParameterInfo("weight_decay", .number(.nonNegative), default: .number(1e-2), "λ, decoupled weight decay"), Self.amsgrad,
            Self.maximize,
        ]
        case .nadam: [
            Self.lr(2e-3), Self.betas, Self.eps(1e-8, "ε added to √v̂"), Self.l2Penalty,
            ParameterInfo("momentum_decay", .number(.nonNegative), default: .number(4e-3), "ψ in μₜ = β₁(1 − ½·0.96^(tψ))"),
            Self.decoupledWeightDecay, Self.maximize,
        ]
        case .radam: [
            Self.lr(1e-3), Self.betas, Self.eps(1e-8, "ε added to √v"), Self.l2Penalty, Self.decoupledWeightDecay, Self.maximize,
        ]
        case .adamax: [Self.lr(2e-3), Self.betas, Self.eps(1e-8, "ε added to |g|"), Self.l2Penalty, Self.maximize]
        case .adadelta: [
            Self.lr(1.0),
            ParameterInfo("rho", .number(.unitClosed), default: .number(0.9), "ρ, smoothing of g² and Δ²"),
            Self.eps(1e-6, "ε inside both square roots"), Self.l2Penalty, Self.maximize,
        ]
        case .rprop: [
            Self.lr(1e-2),
            ParameterInfo("etas", .numberList(.positive, count: 2), default: .array([.number(0.5), .number(1.2)]),
                          "(η₋, η₊) step-size factors, 0 < η₋ < 1 < η₊"),
            ParameterInfo("step_sizes", .numberList(.nonNegative, count: 2), default: .array([.number(1e-6), .number(50)]),
                          "(Δmin, Δmax) step-size bounds"),
            Self.maximize,
        ]
        case .asgd: [
            Self.lr(1e-2),
            ParameterInfo("lambd", .number(.nonNegative), default: .number(1e-4), "λ, decay term"),
            ParameterInfo("alpha", .number(.nonNegative), default: .number(0.75), "α, power of the step-size decay"),
            ParameterInfo("t0", .number(.nonNegative), default: .number(1e6), "t₀, step after which averaging starts"),
            Self.l2Penalty, Self.maximize,
        ]
        case .lbfgs: [
            Self.lr(1),
            ParameterInfo("max_iter", .integer(.stepCount), default: .number(20), "iterations per step"),
            ParameterInfo("max_eval", .integer(.stepCount), nullable: true, "evaluations per step (null: max_iter·5/4)"),
            ParameterInfo("tolerance_grad", .number(.nonNegative), default: .number(1e-7), "stop when max|g| ≤ this"),
            ParameterInfo("tolerance_change", .number(.nonNegative), default: .number(1e-9),
                          "stop when the loss or the step changes less than this"),
            ParameterInfo("history_size", .integer(.stepCount), default: .number(100), "curvature pairs kept"),
            ParameterInfo("line_search_fn", .string(allowed: ["strong_wolfe"]), nullable: true,
                          "\"strong_wolfe\" or null (fixed step t = lr)"),
        ]
        case .lion: Self.lionParameters
        case .adabelief: Self.adabeliefParameters
        case .yogi: Self.yogiParameters
        case .lamb: Self.lambParameters
        case .lars: Self.larsParameters
        case .adan: Self.adanParameters
        case .sam: Self.samParameters
        case .asam: Self.asamParameters
        case .prodigy: Self.prodigyParameters
        case .scheduleFreeSGD: Self.scheduleFreeSGDParameters
        case .scheduleFreeAdamW: Self.scheduleFreeAdamWParameters
        case .muon: Self.muonParameters
        case .newton: [Self.lr(1), Self.damping(0), Self.krylovDimension]
        case .saddleFreeNewton: [Self.lr(1), Self.damping(1e-3), Self.krylovDimension]
        case .negativeCurvature: [
            Self.lr(1e-2),
            ParameterInfo("grad_tol", .number(.nonNegative), default: .number(1e-3), "ε: the curvature test runs when ‖g‖ ≤ ε"),
            ParameterInfo("escape_step", .number(.above(0)), default: .number(0.5), "s, length of the step along the eigenvector of λmin"),
        ]
        }
    }

    static func lr(_ d: Double) -> ParameterInfo {
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
    private static let maximize = ParameterInfo("maximize", .boolean, default: .bool(false),
                                                "ascend instead of descend (the gradient is negated before weight decay)")
    private static let decoupledWeightDecay = ParameterInfo("decoupled_weight_decay", .boolean, default: .bool(false),
                                                            "weight decay as θ ← θ(1 − γλ) (AdamW) instead of g + λθ")
    private static let amsgrad = ParameterInfo("amsgrad", .boolean, default: .bool(false), "use the running maximum of v")
}
