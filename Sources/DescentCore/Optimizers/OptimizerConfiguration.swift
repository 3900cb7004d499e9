/// A validated choice of optimizer and its hyper-parameters (names and defaults as in PyTorch).
public enum OptimizerConfiguration: Sendable, Equatable {
    /// `torch.optim.SGD`.
    case sgd(lr: Double, momentum: Double, dampening: Double, nesterov: Bool, weightDecay: Double, maximize: Bool)
    /// The lecture's momentum m ← λm − ηg, θ ← θ + m.
    case momentumLecture(lr: Double, momentum: Double)
    /// `torch.optim.Adagrad`.
    case adagrad(lr: Double, lrDecay: Double, weightDecay: Double, initialAccumulatorValue: Double, eps: Double,
                 maximize: Bool = false)
    /// The lecture's Adagrad (RMS of all past gradients).
    case adagradLecture(lr: Double, sqrtDecay: Bool, eps: Double)
    /// `torch.optim.RMSprop`.
    case rmsprop(lr: Double, alpha: Double, eps: Double, weightDecay: Double, momentum: Double, centered: Bool,
                 maximize: Bool = false)
    /// The lecture's RMSprop (σ₀ = |g₀|).
    case rmspropLecture(lr: Double, alpha: Double, eps: Double)
    /// `torch.optim.Adam` (L2 weight decay, or decoupled with `decoupledWeightDecay`).
    case adam(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, amsgrad: Bool,
              maximize: Bool = false, decoupledWeightDecay: Bool = false)
    /// `torch.optim.AdamW` (decoupled weight decay).
    case adamw(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, amsgrad: Bool,
               maximize: Bool = false)

    /// `torch.optim.NAdam`.
    case nadam(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, momentumDecay: Double,
               decoupledWeightDecay: Bool, maximize: Bool)
    /// `torch.optim.RAdam`.
    case radam(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, decoupledWeightDecay: Bool,
               maximize: Bool)
    /// `torch.optim.Adamax`.
    case adamax(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, maximize: Bool)
    /// `torch.optim.Adadelta`.
    case adadelta(lr: Double, rho: Double, eps: Double, weightDecay: Double, maximize: Bool)
    /// `torch.optim.Rprop`.
    case rprop(lr: Double, etaMinus: Double, etaPlus: Double, stepSizeMin: Double, stepSizeMax: Double, maximize: Bool)
    /// `torch.optim.ASGD`.
    case asgd(lr: Double, lambd: Double, alpha: Double, t0: Double, weightDecay: Double, maximize: Bool)
    /// `torch.optim.LBFGS`; `maxEval` nil means max_iter·5/4; `strongWolfe` is line_search_fn "strong_wolfe".
    case lbfgs(lr: Double, maxIter: Int, maxEval: Int?, toleranceGrad: Double, toleranceChange: Double, historySize: Int,
               strongWolfe: Bool)
    /// `optax.lion`.
    case lion(lr: Double, b1: Double, b2: Double, weightDecay: Double)
    /// `optax.adabelief`.
    case adabelief(lr: Double, b1: Double, b2: Double, eps: Double, epsRoot: Double, nesterov: Bool)
    /// `optax.yogi` (`scale_by_yogi`'s initial accumulator value exposed).
    case yogi(lr: Double, b1: Double, b2: Double, eps: Double, initialAccumulatorValue: Double)
    /// `optax.lamb`.
    case lamb(lr: Double, b1: Double, b2: Double, eps: Double, epsRoot: Double, weightDecay: Double)
    /// `optax.lars`.
    case lars(lr: Double, weightDecay: Double, trustCoefficient: Double, eps: Double, momentum: Double, nesterov: Bool)
    /// `optax.adan`.
    case adan(lr: Double, b1: Double, b2: Double, b3: Double, eps: Double, epsRoot: Double, weightDecay: Double)
    /// Sharpness-aware minimization (full batch): `optax.contrib.sam` with SGD, or the authors' ASAM around torch.optim.SGD.
    case sam(SharpnessAwareRule)
    /// `optax.contrib.prodigy`; `beta3` nil means √β₂.
    case prodigy(lr: Double, beta1: Double, beta2: Double, beta3: Double?, eps: Double, estimLR0: Double, estimLRCoef: Double,
                 weightDecay: Double, safeguardWarmup: Bool)
    /// `optax.contrib.schedule_free_sgd` (warmup_steps None).
    case scheduleFreeSGD(lr: Double, b1: Double, weightDecay: Double, weightLRPower: Double)
    /// `optax.contrib.schedule_free_adamw` (warmup_steps None).
    case scheduleFreeAdamW(lr: Double, b1: Double, b2: Double, eps: Double, weightDecay: Double, weightLRPower: Double)
    /// `optax.contrib.muon`: Newton–Schulz on the weight matrices, Nesterov AdamW on the rest.
    case muon(lr: Double, nsCoefficients: [Double], nsSteps: Int, beta: Double, eps: Double, weightDecay: Double, nesterov: Bool,
              adamB1: Double, adamB2: Double, adamEpsRoot: Double, adamWeightDecay: Double, consistentRMS: Double?)
    /// Damped Newton θ ← θ − η(H + μI)⁺g.
    case newton(lr: Double, damping: Double, krylovDimension: Int)
    /// Saddle-free Newton θ ← θ − η(|H| + μI)⁺g (Dauphin et al. 2014).
    case saddleFreeNewton(lr: Double, damping: Double, krylovDimension: Int)
    /// Gradient descent with a step along the most negative curvature when ‖g‖ is small.
    case negativeCurvature(lr: Double, gradTol: Double, escapeStep: Double)

    /// The base learning rate γ₀ the schedule scales.
    public var learningRate: Double {
        switch self {
        case let .sgd(lr, _, _, _, _, _), let .momentumLecture(lr, _), let .adagrad(lr, _, _, _, _, _),
             let .adagradLecture(lr, _, _), let .rmsprop(lr, _, _, _, _, _, _), let .rmspropLecture(lr, _, _),
             let .adam(lr, _, _, _, _, _, _, _), let .adamw(lr, _, _, _, _, _, _),
             let .nadam(lr, _, _, _, _, _, _, _), let .radam(lr, _, _, _, _, _, _), let .adamax(lr, _, _, _, _, _),
             let .adadelta(lr, _, _, _, _), let .rprop(lr, _, _, _, _, _), let .asgd(lr, _, _, _, _, _),
             let .lbfgs(lr, _, _, _, _, _, _):
            return lr
        case let .newton(lr, _, _), let .saddleFreeNewton(lr, _, _), let .negativeCurvature(lr, _, _):
            return lr
        case let .lion(lr, _, _, _), let .adabelief(lr, _, _, _, _, _), let .yogi(lr, _, _, _, _), let .lamb(lr, _, _, _, _, _),
             let .lars(lr, _, _, _, _, _), let .adan(lr, _, _, _, _, _, _),
             let .prodigy(lr, _, _, _, _, _, _, _, _), let .scheduleFreeSGD(lr, _, _, _), let .scheduleFreeAdamW(lr, _, _, _, _, _),
             let .muon(lr, _, _, _, _, _, _, _, _, _, _, _):
            return lr
        case let .sam(rule):
            return rule.learningRate
        }
    }

    /// Whether torch's CyclicLR and OneCycleLR can cycle its momentum: torch's class has `momentum` (SGD, RMSprop)
    /// or `betas` (the Adam family) among its defaults; the others (and the rules outside torch) cannot.
    public var hasCyclableMomentum: Bool {
        switch self {
        case .sgd, .rmsprop, .adam, .adamw, .nadam, .radam, .adamax: true
        case .momentumLecture, .adagrad, .adagradLecture, .rmspropLecture, .adadelta, .rprop, .asgd, .lbfgs, .lion, .adabelief,
             .yogi, .lamb, .lars, .adan, .sam, .prodigy, .scheduleFreeSGD, .scheduleFreeAdamW, .muon, .newton, .saddleFreeNewton,
             .negativeCurvature: false
        }
    }
}

/// The sharpness-aware rules. They are forms of one configuration case (`sam`) because the loops and checks treat them
/// alike: both evaluate the objective themselves on the full batch (`batch_size` null, no gradient transforms, no
/// parameter groups) and neither has a lockstep or fast-path form.
public enum SharpnessAwareRule: Sendable, Equatable {
    /// `optax.contrib.sam` with an SGD outer optimizer (`SAM`).
    case optax(lr: Double, rho: Double, momentum: Double, nesterov: Bool)
    /// The authors' ASAM (Kwon et al. 2021) around `torch.optim.SGD` (`ASAM`).
    case adaptive(lr: Double, rho: Double, eta: Double, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool)

    /// The base learning rate γ₀.
    public var learningRate: Double {
        switch self {
        case let .optax(lr, _, _, _), let .adaptive(lr, _, _, _, _, _, _): lr
        }
    }

    /// The spec's optimizer type: "sam" or "asam".
    public var typeName: String {
        switch self {
        case .optax: "sam"
        case .adaptive: "asam"
        }
    }
}
