/// The one table every spec check and the catalog are derived from.
public enum SpecTables {
    private static let positive = NumericRange.above(0)
    private static let nonNegative = NumericRange.atLeast(0)
    private static func lr(_ d: Double) -> ParameterInfo {
        ParameterInfo("lr", .number(nonNegative), default: .number(d), "base learning rate γ₀")
    }
    private static func weightDecay(_ d: Double, _ what: String) -> ParameterInfo {
        ParameterInfo("weight_decay", .number(nonNegative), default: .number(d), what)
    }

    /// Objectives ("objective": {"type": …}).
    public static let objectives: [TypeInfo] = [
        TypeInfo("saddle", "L(w1, w2) = (1 − w1·w2)²: a saddle at the origin, minima on w1·w2 = 1"),
        TypeInfo("quadratic", "½xᵀAx + bᵀx (A symmetrised)", [
            ParameterInfo("a", .matrix, "n×n matrix A"),
            ParameterInfo("b", .numberList(.any, count: nil), nullable: true, "vector b (default zeros)"),
        ]),
        TypeInfo("ill_conditioned", "½xᵀAx with A = diag spaced geometrically from 1 to κ", [
            ParameterInfo("dimension", .integer(.atLeast(1)), default: .number(2), "n"),
            ParameterInfo("kappa", .number(.atLeast(1)), default: .number(100), "condition number κ"),
        ]),
        TypeInfo("rosenbrock", "Σ b(xᵢ₊₁ − xᵢ²)² + (a − xᵢ)², minimum at (a, a², …)", [
            ParameterInfo("a", .number(.any), default: .number(1), "valley target a"),
            ParameterInfo("b", .number(nonNegative), default: .number(100), "valley steepness b"),
            ParameterInfo("dimension", .integer(.atLeast(2)), default: .number(2), "n (chained form for n > 2)"),
        ]),
        TypeInfo("beale", "Beale's function, minimum 0 at (3, 0.5)"),
        TypeInfo("himmelblau", "Himmelblau's function, four minima of value 0"),
        TypeInfo("rastrigin", "a·n + Σ xᵢ² − a·cos(2πxᵢ): many local minima, global 0 at the origin", [
            ParameterInfo("dimension", .integer(.atLeast(1)), default: .number(2), "n"),
            ParameterInfo("a", .number(nonNegative), default: .number(10), "ripple amplitude a"),
        ]),
        TypeInfo("six_hump_camel", "six-hump camel function, two global minima ≈ −1.0316"),
        TypeInfo("booth", "Booth's function, minimum 0 at (1, 3)"),
        TypeInfo("expression", "a formula in named variables (+ − * / ^ exp log sin cos tanh sqrt), differentiated symbolically", [
            ParameterInfo("expression", .string(allowed: nil), "the formula, e.g. (1-x*y)^2"),
            ParameterInfo("variables", .stringList, "variable names in parameter order"),
        ]),
        TypeInfo("linear_regression", "mean squared error of a linear model (weights, then bias); needs a dataset"),
        TypeInfo("logistic_regression", "mean binary cross-entropy of a logistic model; needs a dataset with classes 0/1"),
        TypeInfo("softmax_regression", "mean cross-entropy of a softmax model; needs a classification dataset"),
        TypeInfo("mlp", "multi-layer perceptron: MSE (regression), BCE (2 classes) or softmax cross-entropy", [
            ParameterInfo("hidden", .integerList(.init(lower: 1, lowerInclusive: true, upper: 4096, upperInclusive: true)),
                          default: .array([.number(16)]), "hidden layer widths"),
            ParameterInfo("activation", .string(allowed: ["tanh", "relu"]), default: .string("tanh"), "hidden nonlinearity"),
            ParameterInfo("batch_norm", .object([
                ParameterInfo("momentum", .number(.unitOpen), default: .number(0.9), "p in μ̄ ← pμ̄ + (1 − p)μ"),
                ParameterInfo("epsilon", .number(positive), default: .number(1e-5), "added to the batch variance"),
            ]), nullable: true, "batch normalisation on every hidden layer (null = off)"),
        ]),
    ]

    /// Objectives that train on a dataset.
    public static let datasetObjectives: Set<String> = ["linear_regression", "logistic_regression", "softmax_regression", "mlp"]

    /// Synthetic dataset generators (the "generator" of a synthetic dataset).
    public static let generators: [TypeInfo] = [
        TypeInfo("linear", "y = w·x + b + noise·N(0,1), regression", [
            ParameterInfo("features", .integer(.atLeast(1)), default: .number(1), "number of features"),
            ParameterInfo("noise", .number(nonNegative), default: .number(0.1), "noise standard deviation"),
        ]),
        TypeInfo("two_blobs", "two Gaussian blobs in 2-D, classes 0/1", [
            ParameterInfo("separation", .number(nonNegative), default: .number(2), "distance between the centres"),
        ]),
        TypeInfo("two_moons", "two interleaving half circles in 2-D, classes 0/1", [
            ParameterInfo("noise", .number(nonNegative), default: .number(0.1), "noise standard deviation"),
        ]),
        TypeInfo("xor", "four clusters in 2-D labelled by XOR, classes 0/1", [
            ParameterInfo("noise", .number(nonNegative), default: .number(0.1), "noise standard deviation"),
        ]),
    ]

    private static let datasetCommon: [ParameterInfo] = [
        ParameterInfo("normalize", .boolean, default: .bool(false), "standardise features with training-set mean and std"),
        ParameterInfo("validation_fraction", .number(.unitOpen), default: .number(0), "share of samples held out for validation"),
    ]

    /// Datasets ("dataset": {"type": …}).
    public static let datasets: [TypeInfo] = [
        TypeInfo("synthetic", "samples from a seeded generator", [
            ParameterInfo("generator", .string(allowed: generators.map(\.type)), "linear, two_blobs, two_moons or xor"),
            ParameterInfo("samples", .integer(.atLeast(1)), default: .number(100), "number of samples"),
            ParameterInfo("features", .integer(.atLeast(1)), default: .number(1), "features (linear only)"),
            ParameterInfo("noise", .number(nonNegative), default: .number(0.1), "noise standard deviation (linear, two_moons, xor)"),
            ParameterInfo("separation", .number(nonNegative), default: .number(2), "blob distance (two_blobs)"),
        ] + datasetCommon),
        TypeInfo("inline", "samples given in the spec", [
            ParameterInfo("x", .matrix, "feature rows, one per sample"),
            ParameterInfo("y", .numberList(.any, count: nil), "one target per sample"),
            ParameterInfo("classes", .integer(.atLeast(0)), nullable: true,
                          "number of classes, 0 = regression (null: 2 for logistic, max(y)+1 for softmax, else 0)"),
        ] + datasetCommon),
    ]

    private static let betas = ParameterInfo("betas", .numberList(.unitOpen, count: 2), default: .array([.number(0.9), .number(0.999)]),
                                             "(β₁, β₂) running-average coefficients")
    private static let adamEps = ParameterInfo("eps", .number(nonNegative), default: .number(1e-8), "ε added to √v̂")
    private static let amsgrad = ParameterInfo("amsgrad", .boolean, default: .bool(false), "use the running maximum of v")

    /// Optimizers ("optimizer": {"type": …}); names and defaults as in `torch.optim`.
    public static let optimizers: [TypeInfo] = [
        TypeInfo("sgd", "torch.optim.SGD: gradient descent with optional momentum, dampening, Nesterov, L2", [
            lr(1e-3),
            ParameterInfo("momentum", .number(nonNegative), default: .number(0), "μ"),
            ParameterInfo("dampening", .number(.unitClosed), default: .number(0), "τ"),
            ParameterInfo("nesterov", .boolean, default: .bool(false), "Nesterov momentum (needs momentum > 0, dampening 0)"),
            weightDecay(0, "λ, L2 penalty added to the gradient"),
            ParameterInfo("maximize", .boolean, default: .bool(false), "ascend instead of descend"),
        ]),
        TypeInfo("momentum_lecture", "the lecture's momentum: m ← λm − ηg, θ ← θ + m", [
            lr(1e-2),
            ParameterInfo("momentum", .number(.unitOpen), default: .number(0.9), "λ"),
        ]),
        TypeInfo("adagrad", "torch.optim.Adagrad", [
            lr(1e-2),
            ParameterInfo("lr_decay", .number(nonNegative), default: .number(0), "η in γ/(1 + (t − 1)η)"),
            weightDecay(0, "λ, L2 penalty added to the gradient"),
            ParameterInfo("initial_accumulator_value", .number(nonNegative), default: .number(0), "initial Σg²"),
            ParameterInfo("eps", .number(nonNegative), default: .number(1e-10), "ε added to √Σg²"),
        ]),
        TypeInfo("adagrad_lecture", "the lecture's Adagrad: σ_t = RMS of all past gradients, θ ← θ − η_t/σ_t ⊙ g", [
            lr(1e-2),
            ParameterInfo("sqrt_decay", .boolean, default: .bool(true), "η_t = η/√(t+1)"),
            ParameterInfo("eps", .number(nonNegative), default: .number(1e-10), "ε added to σ"),
        ]),
        TypeInfo("rmsprop", "torch.optim.RMSprop", [
            lr(1e-2),
            ParameterInfo("alpha", .number(.unitClosed), default: .number(0.99), "α, smoothing of g²"),
            ParameterInfo("eps", .number(nonNegative), default: .number(1e-8), "ε added to √v"),
            weightDecay(0, "λ, L2 penalty added to the gradient"),
            ParameterInfo("momentum", .number(nonNegative), default: .number(0), "μ"),
            ParameterInfo("centered", .boolean, default: .bool(false), "divide by the estimated variance instead"),
        ]),
        TypeInfo("rmsprop_lecture", "the lecture's RMSprop: σ₀ = |g₀|, σ_t = √(ασ²_{t−1} + (1 − α)g²_t)", [
            lr(1e-2),
            ParameterInfo("alpha", .number(.unitClosed), default: .number(0.9), "α"),
            ParameterInfo("eps", .number(nonNegative), default: .number(1e-10), "ε added to σ"),
        ]),
        TypeInfo("adam", "torch.optim.Adam (L2 weight decay)", [
            lr(1e-3), betas, adamEps, weightDecay(0, "λ, L2 penalty added to the gradient"), amsgrad,
        ]),
        TypeInfo("adamw", "torch.optim.AdamW (decoupled weight decay θ ← θ − γλθ)", [
            lr(1e-3), betas, adamEps, weightDecay(1e-2, "λ, decoupled weight decay"), amsgrad,
        ]),
    ]

    private static let stepCount = NumericRange.atLeast(1)

    /// Schedules ("schedule": {"type": …}); each scales the optimizer's lr, stepped once per update.
    public static let schedules: [TypeInfo] = [
        TypeInfo("constant", "γ₀"),
        TypeInfo("step", "StepLR: γ₀·γ^⌊t/step_size⌋", [
            ParameterInfo("step_size", .integer(stepCount), "steps between decays"),
            ParameterInfo("gamma", .number(nonNegative), default: .number(0.1), "decay factor γ"),
        ]),
        TypeInfo("multistep", "MultiStepLR: γ₀·γ^(milestones passed)", [
            ParameterInfo("milestones", .integerList(stepCount), "increasing steps at which to decay"),
            ParameterInfo("gamma", .number(nonNegative), default: .number(0.1), "decay factor γ"),
        ]),
        TypeInfo("exponential", "ExponentialLR: γ₀·γᵗ", [
            ParameterInfo("gamma", .number(positive), "decay factor γ per step"),
        ]),
        TypeInfo("cosine", "CosineAnnealingLR closed form: η_min + (γ₀ − η_min)(1 + cos(πt/T_max))/2", [
            ParameterInfo("t_max", .integer(stepCount), "half period T_max in steps"),
            ParameterInfo("eta_min", .number(nonNegative), default: .number(0), "smallest rate η_min"),
        ]),
        TypeInfo("linear_warmup", "LinearLR from start_factor·γ₀ to γ₀ over warmup_steps, then another schedule", [
            ParameterInfo("warmup_steps", .integer(stepCount), "warm-up length"),
            ParameterInfo("start_factor", .number(.init(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: true)),
                          default: .number(1.0 / 3.0), "first step's fraction of γ₀"),
            ParameterInfo("then", .typed(section: "schedule"), default: .object(["type": .string("constant")]),
                          "schedule after warm-up, counted from 0"),
        ]),
        TypeInfo("inverse_sqrt", "γ₀·min(s/w, √(w/s)), s = t + 1: linear warm-up, then 1/√t", [
            ParameterInfo("warmup_steps", .integer(stepCount), "w, steps to the peak γ₀"),
        ]),
        TypeInfo("one_cycle", "OneCycleLR (cosine): max_lr/div_factor → max_lr → max_lr/(div_factor·final_div_factor)", [
            ParameterInfo("max_lr", .number(positive), nullable: true, "peak rate (null: the optimizer's lr)"),
            ParameterInfo("total_steps", .integer(stepCount), nullable: true, "cycle length (null: the spec's steps)"),
            ParameterInfo("pct_start", .number(.init(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)),
                          default: .number(0.3), "share of the cycle spent increasing"),
            ParameterInfo("div_factor", .number(positive), default: .number(25), "max_lr / initial rate"),
            ParameterInfo("final_div_factor", .number(positive), default: .number(1e4), "initial rate / final rate"),
        ]),
    ]

    /// Top-level fields of an experiment spec.
    public static let experiment: [ParameterInfo] = [
        ParameterInfo("name", .string(allowed: nil), default: .string("experiment"), "display name"),
        ParameterInfo("tags", .stringList, default: .array([]), "labels for searching"),
        ParameterInfo("seed", .integer(.init(lower: 0, lowerInclusive: true, upper: 0x1p53, upperInclusive: false)),
                      default: .number(0), "seed of data, initial parameters and shuffles"),
        ParameterInfo("objective", .typed(section: "objective"), "the loss to minimise"),
        ParameterInfo("dataset", .typed(section: "dataset"), nullable: true, "training data (dataset objectives only)"),
        ParameterInfo("optimizer", .typed(section: "optimizer"), "the update rule"),
        ParameterInfo("schedule", .typed(section: "schedule"), nullable: true, "learning-rate schedule (null: constant)"),
        ParameterInfo("batch_size", .integer(.atLeast(1)), nullable: true, "mini-batch size (null: full batch)"),
        ParameterInfo("drop_last", .boolean, default: .bool(false), "drop each epoch's last partial batch"),
        ParameterInfo("start", .numberList(.any, count: nil), nullable: true,
                      "initial parameters (null: the model's initialisation, or uniform in [-1, 1] from the seed)"),
        ParameterInfo("steps", .integer(stepCount), default: .number(1000), "step budget"),
        ParameterInfo("stop", .object([
            ParameterInfo("grad_norm_tol", .number(nonNegative), default: .number(0), "stop when ‖g‖ ≤ this (0: never)"),
            ParameterInfo("loss_target", .number(.any), nullable: true, "stop when the batch loss ≤ this"),
            ParameterInfo("divergence_factor", .number(.above(1)), default: .number(1e6), "diverged when |L| > factor·|L₀|"),
        ]), default: .object([:]), "stopping rules besides the budget"),
        ParameterInfo("record_every", .integer(stepCount), default: .number(1), "record every k-th step"),
        ParameterInfo("record_params", .boolean, default: .bool(true), "record the parameters with each row"),
    ]

    /// The types of a section ("objective", "dataset", "optimizer", "schedule").
    public static func types(of section: String) -> [TypeInfo] {
        switch section {
        case "objective": objectives
        case "dataset": datasets
        case "optimizer": optimizers
        case "schedule": schedules
        default: []
        }
    }
}
