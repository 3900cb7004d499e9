/// The rules beyond torch.optim, named and defaulted as optax names them (ASAM as its authors' code names it; learning rates, which optax
/// leaves to the caller, default to the authors' recommendations).
extension OptimizerKind {
    /// Catalog line of `lion`.
    static let lionSummary = "optax.lion (Chen et al. 2023): θ ← θ − γ(sign((1 − β₁)g + β₁m) + λθ), m ← β₂m + (1 − β₂)g"
    /// Catalog line of `adabelief`.
    static let adabeliefSummary = "optax.adabelief (Zhuang et al. 2020): Adam with the running variance of g around m as second moment"
    /// Catalog line of `yogi`.
    static let yogiSummary = "optax.yogi (Zaheer et al. 2018): Adam whose second moment moves additively, v ← v − (1 − β₂)sign(v − g²)g²"
    /// Catalog line of `lamb`.
    static let lambSummary = "optax.lamb (You et al. 2020): Adam plus decoupled weight decay, scaled per tensor by ‖θ‖/‖u‖"
    /// Catalog line of `lars`.
    static let larsSummary = "optax.lars (You et al. 2017): momentum SGD, each tensor's step scaled by c‖θ‖/(‖g + λθ‖ + ε)"
    /// Catalog line of `adan`.
    static let adanSummary = "optax.adan (Xie et al. 2022): moments of g, of its change and of the Nesterov-corrected g²"

    /// Catalog line of `sam`.
    static let samSummary = "optax.contrib.sam (Foret et al. 2021) with SGD: the gradient at θ + ρg/‖g‖ applied at θ; two gradient evaluations a step, full batch"

    /// Catalog line of `asam`.
    static let asamSummary = "ASAM (Kwon et al. 2021, the authors' code) around torch.optim.SGD: the gradient at θ + ρT²g/‖Tg‖, "
        + "T = |w| + η on weight tensors, applied at θ; two gradient evaluations a step, full batch"

    /// Catalog line of `prodigy`.
    static let prodigySummary = "optax.contrib.prodigy (Mishchenko & Defazio 2023): Adam with its step size d estimated from the run; lr scales d"

    /// Catalog line of `schedule_free_sgd`.
    static let scheduleFreeSGDSummary = "optax.contrib.schedule_free_sgd (Defazio et al. 2024): SGD whose momentum is replaced by "
        + "an interpolation y = βx + (1 − β)z of the iterate z and its weighted average x; θ is y, x the averaged point"
    /// Catalog line of `schedule_free_adamw`.
    static let scheduleFreeAdamWSummary = "optax.contrib.schedule_free_adamw (Defazio et al. 2024): AdamW without first moment, "
        + "schedule-free (gradient at y = βx + (1 − β)z; x, the averaged point, is the one to evaluate)"

    /// Parameters of `lion`.
    static let lionParameters: [ParameterInfo] = [
        Self.lr(1e-4), Self.decay("b1", 0.9, "β₁, weight of m in the update's sign"),
        Self.decay("b2", 0.99, "β₂, decay of the momentum m"), Self.decoupledDecay(1e-3),
    ]
    /// Parameters of `adabelief`.
    static let adabeliefParameters: [ParameterInfo] = [
        Self.lr(1e-3), Self.decay("b1", 0.9, "β₁, decay of m"), Self.decay("b2", 0.999, "β₂, decay of the belief s"),
        Self.epsilon(1e-16, "ε added to √ŝ"), Self.epsilonRoot(1e-16, "ε_root added to s at every step"),
        ParameterInfo("nesterov", .boolean, default: .bool(false), "Nesterov's look-ahead in the first moment"),
    ]
    /// Parameters of `yogi`.
    static let yogiParameters: [ParameterInfo] = [
        Self.lr(1e-2), Self.decay("b1", 0.9, "β₁, decay of m"), Self.decay("b2", 0.999, "β₂, rate of v's additive change"),
        Self.epsilon(1e-3, "ε added to √v̂"),
        ParameterInfo("initial_accumulator_value", .number(.nonNegative), default: .number(1e-6), "m₀ and v₀"),
    ]
    /// Parameters of `lamb`.
    static let lambParameters: [ParameterInfo] = [
        Self.lr(1e-3), Self.decay("b1", 0.9, "β₁, decay of m"), Self.decay("b2", 0.999, "β₂, decay of v"),
        Self.epsilon(1e-6, "ε added to √v̂"), Self.epsilonRoot(0, "ε_root added to v̂ under the root"),
        Self.decoupledDecay(0),
    ]
    /// Parameters of `lars`.
    static let larsParameters: [ParameterInfo] = [
        Self.lr(1), Self.decoupledDecay(0),
        ParameterInfo("trust_coefficient", .number(.above(0)), default: .number(1e-3), "c in the trust ratio c‖θ‖/(‖u‖ + ε)"),
        Self.epsilon(0, "ε added to ‖u‖"),
        ParameterInfo("momentum", .number(.unitOpen), default: .number(0.9), "μ, decay of the momentum buffer"),
        ParameterInfo("nesterov", .boolean, default: .bool(false), "Nesterov momentum"),
    ]
    /// Parameters of `adan`.
    static let adanParameters: [ParameterInfo] = [
        Self.lr(1e-3), Self.decay("b1", 0.98, "β₁, decay of m (the paper's 1 − β₁)"),
        Self.decay("b2", 0.92, "β₂, decay of v, the gradient change's moment"),
        Self.decay("b3", 0.99, "β₃, decay of n, the squared corrected gradient's moment"),
        Self.epsilon(1e-8, "ε added to √n̂"), Self.epsilonRoot(1e-8, "ε_root added to n̂ under the root"),
        Self.decoupledDecay(0),
    ]

    /// Parameters of `sam`.
    static let samParameters: [ParameterInfo] = [
        Self.lr(1e-2),
        ParameterInfo("rho", .number(.above(0)), default: .number(0.05), "ρ, length of the ascent step g/‖g‖"),
        ParameterInfo("momentum", .number(.unitOpen), default: .number(0), "μ of the outer SGD (0: none)"),
        ParameterInfo("nesterov", .boolean, default: .bool(false), "Nesterov momentum in the outer SGD (needs momentum > 0)"),
    ]

    /// Parameters of `asam`: the authors' `ASAM(optimizer, model, rho, eta)` and the wrapped torch.optim.SGD's own.
    static let asamParameters: [ParameterInfo] = [
        Self.lr(1e-3),
        ParameterInfo("rho", .number(.above(0)), default: .number(0.5), "ρ, radius of the ascent step ρT²g/‖Tg‖"),
        ParameterInfo("eta", .number(.nonNegative), default: .number(0.01), "η in T = |w| + η (weight tensors only)"),
        ParameterInfo("momentum", .number(.nonNegative), default: .number(0), "μ of torch.optim.SGD"),
        ParameterInfo("dampening", .number(.unitClosed), default: .number(0), "τ of torch.optim.SGD"),
        ParameterInfo("weight_decay", .number(.nonNegative), default: .number(0), "λ, torch.optim.SGD's L2 penalty added to g′"),
        ParameterInfo("nesterov", .boolean, default: .bool(false), "Nesterov momentum in torch.optim.SGD (needs momentum > 0, dampening 0)"),
    ]

    /// Parameters of `prodigy`.
    static let prodigyParameters: [ParameterInfo] = [
        Self.lr(1),
        ParameterInfo("betas", .numberList(.unitOpen, count: 2), default: .array([.number(0.9), .number(0.999)]),
                      "(β₁, β₂) decays of m and v"),
        ParameterInfo("beta3", .number(.unitOpen), nullable: true, "β₃, decay of the estimate's sums (null: √β₂)"),
        Self.epsilon(1e-8, "ε, scaled by d, added to √v"),
        ParameterInfo("estim_lr0", .number(.above(0)), default: .number(1e-6), "d₀, the initial step-size estimate"),
        ParameterInfo("estim_lr_coef", .number(.above(0)), default: .number(1), "c, the estimate's coefficient"),
        Self.decoupledDecay(0),
        ParameterInfo("safeguard_warmup", .boolean, default: .bool(false), "use d instead of the scheduled step in the estimate's denominator"),
    ]

    /// Parameters of `schedule_free_sgd`.
    static let scheduleFreeSGDParameters: [ParameterInfo] = [
        Self.lr(1), Self.interpolation, Self.scheduleFreeDecay, Self.weightLRPower,
    ]
    /// Parameters of `schedule_free_adamw`.
    static let scheduleFreeAdamWParameters: [ParameterInfo] = [
        Self.lr(0.0025), Self.interpolation, Self.decay("b2", 0.999, "β₂, decay of v"), Self.epsilon(1e-8, "ε added to √v̂"),
        Self.scheduleFreeDecay, Self.weightLRPower,
    ]
    private static let interpolation = ParameterInfo(
        "b1", .number(NumericRange(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: true)), default: .number(0.9),
        "β in (0, 1], the weight of the average x in the gradient's point y = βx + (1 − β)z")
    private static let scheduleFreeDecay = ParameterInfo("weight_decay", .number(.nonNegative), default: .number(0),
                                                         "λ, added to the base update as λy (then scaled by the rate)")
    private static let weightLRPower = ParameterInfo("weight_lr_power", .number(.nonNegative), default: .number(2),
                                                     "p: each z enters the average with weight (largest rate so far)^p")
    /// Catalog line of `muon`.
    static let muonSummary = "optax.contrib.muon (Jordan 2024): momentum of each weight matrix orthogonalised by Newton–Schulz; "
        + "AdamW with Nesterov momentum for biases, batch norm and vectors"

    /// Parameters of `muon`.
    static let muonParameters: [ParameterInfo] = [
        Self.lr(0.02),
        ParameterInfo("ns_coeffs", .numberList(.any, count: 3), default: .array([.number(3.4445), .number(-4.7750), .number(2.0315)]),
                      "(a, b, c) of the Newton–Schulz step M ← aM + (bA + cA²)M, A = MMᵀ"),
        ParameterInfo("ns_steps", .integer(.init(lower: 0, lowerInclusive: true, upper: 100, upperInclusive: true)),
                      default: .number(5), "Newton–Schulz iterations per step"),
        Self.decay("beta", 0.95, "β, decay of the matrices' momentum"),
        Self.epsilon(1e-8, "ε added to the Frobenius norm and to Adam's √v̂"),
        Self.decoupledDecay(0),
        ParameterInfo("nesterov", .boolean, default: .bool(true), "Nesterov momentum (matrices and Adam)"),
        Self.decay("adam_b1", 0.9, "Adam's β₁ (coordinates outside the weight matrices)"),
        Self.decay("adam_b2", 0.999, "Adam's β₂"),
        ParameterInfo("adam_eps_root", .number(.nonNegative), default: .number(0), "Adam's ε inside the square root"),
        ParameterInfo("adam_weight_decay", .number(.nonNegative), default: .number(0), "Adam's decoupled weight decay"),
        ParameterInfo("consistent_rms", .number(.positive), nullable: true,
                      "scale each matrix update by √max(in, out)·consistent_rms (null: √max(1, out/in))"),
    ]

    private static func decay(_ name: String, _ d: Double, _ summary: String) -> ParameterInfo {
        ParameterInfo(name, .number(.unitOpen), default: .number(d), summary)
    }
    private static func epsilon(_ d: Double, _ summary: String) -> ParameterInfo {
        ParameterInfo("eps", .number(.nonNegative), default: .number(d), summary)
    }
    private static func epsilonRoot(_ d: Double, _ summary: String) -> ParameterInfo {
        ParameterInfo("eps_root", .number(.nonNegative), default: .number(d), summary)
    }
    private static func decoupledDecay(_ d: Double) -> ParameterInfo {
        ParameterInfo("weight_decay", .number(.nonNegative), default: .number(d), "λ, added to the update as λθ (decoupled)")
    }
}
