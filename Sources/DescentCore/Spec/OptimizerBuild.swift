extension OptimizerSpec {
    /// The optimizer configuration this spec describes.
    /// - Parameter path: JSON path of the optimizer object, e.g. "optimizer".
    /// - Throws: `SpecError` for a parameter out of its table's range or in conflict with another.
    func build(path: String) throws(SpecError) -> OptimizerConfiguration {
        try check(path: path)
        let lr = number("lr")
        switch kind {
        case .sgd:
            if flag("nesterov") && (number("momentum") <= 0 || number("dampening") != 0) {
                throw SpecError(field: fieldPath(path, "nesterov"), message: "requires momentum > 0 and dampening 0",
                                code: "invalid_value")
            }
            return .sgd(lr: lr, momentum: number("momentum"), dampening: number("dampening"), nesterov: flag("nesterov"),
                        weightDecay: number("weight_decay"), maximize: flag("maximize"))
        case .momentumLecture: return .momentumLecture(lr: lr, momentum: number("momentum"))
        case .adagrad:
            return .adagrad(lr: lr, lrDecay: number("lr_decay"), weightDecay: number("weight_decay"),
                            initialAccumulatorValue: number("initial_accumulator_value"), eps: number("eps"),
                            maximize: flag("maximize"))
        case .adagradLecture: return .adagradLecture(lr: lr, sqrtDecay: flag("sqrt_decay"), eps: number("eps"))
        case .rmsprop:
            return .rmsprop(lr: lr, alpha: number("alpha"), eps: number("eps"), weightDecay: number("weight_decay"),
                            momentum: number("momentum"), centered: flag("centered"), maximize: flag("maximize"))
        case .rmspropLecture: return .rmspropLecture(lr: lr, alpha: number("alpha"), eps: number("eps"))
        case .adam:
            return .adam(lr: lr, beta1: betas.0, beta2: betas.1, eps: number("eps"), weightDecay: number("weight_decay"),
                         amsgrad: flag("amsgrad"), maximize: flag("maximize"),
                         decoupledWeightDecay: flag("decoupled_weight_decay"))
        case .adamw:
            return .adamw(lr: lr, beta1: betas.0, beta2: betas.1, eps: number("eps"), weightDecay: number("weight_decay"),
                          amsgrad: flag("amsgrad"), maximize: flag("maximize"))
        case .nadam:
            return .nadam(lr: lr, beta1: betas.0, beta2: betas.1, eps: number("eps"), weightDecay: number("weight_decay"),
                          momentumDecay: number("momentum_decay"), decoupledWeightDecay: flag("decoupled_weight_decay"),
                          maximize: flag("maximize"))
        case .radam:
            return .radam(lr: lr, beta1: betas.0, beta2: betas.1, eps: number("eps"), weightDecay: number("weight_decay"),
                          decoupledWeightDecay: flag("decoupled_weight_decay"), maximize: flag("maximize"))
        case .adamax:
            return .adamax(lr: lr, beta1: betas.0, beta2: betas.1, eps: number("eps"), weightDecay: number("weight_decay"),
                           maximize: flag("maximize"))
        case .adadelta:
            return .adadelta(lr: lr, rho: number("rho"), eps: number("eps"), weightDecay: number("weight_decay"),
                             maximize: flag("maximize"))
        case .rprop:
            let etas = pair("etas"), sizes = pair("step_sizes")
            guard etas.0 < 1 && 1 < etas.1 else {
                throw SpecError(field: fieldPath(path, "etas"), message: "must satisfy 0 < etas[0] < 1 < etas[1]", code: "invalid_value")
            }
            guard sizes.0 <= sizes.1 else {
                throw SpecError(field: fieldPath(path, "step_sizes"), message: "must satisfy step_sizes[0] ≤ step_sizes[1]",
                                code: "invalid_value")
            }
            return .rprop(lr: lr, etaMinus: etas.0, etaPlus: etas.1, stepSizeMin: sizes.0, stepSizeMax: sizes.1,
                          maximize: flag("maximize"))
        case .asgd:
            return .asgd(lr: lr, lambd: number("lambd"), alpha: number("alpha"), t0: number("t0"),
                         weightDecay: number("weight_decay"), maximize: flag("maximize"))
        case .lbfgs:
            return .lbfgs(lr: lr, maxIter: integer("max_iter"), maxEval: value("max_eval").integer,
                          toleranceGrad: number("tolerance_grad"), toleranceChange: number("tolerance_change"),
                          historySize: integer("history_size"), strongWolfe: value("line_search_fn").string == "strong_wolfe")
        case .lion: return .lion(lr: lr, b1: number("b1"), b2: number("b2"), weightDecay: number("weight_decay"))
        case .adabelief:
            return .adabelief(lr: lr, b1: number("b1"), b2: number("b2"), eps: number("eps"), epsRoot: number("eps_root"),
                              nesterov: flag("nesterov"))
        case .yogi:
            return .yogi(lr: lr, b1: number("b1"), b2: number("b2"), eps: number("eps"),
                         initialAccumulatorValue: number("initial_accumulator_value"))
        case .lamb:
            return .lamb(lr: lr, b1: number("b1"), b2: number("b2"), eps: number("eps"), epsRoot: number("eps_root"),
                         weightDecay: number("weight_decay"))
        case .lars:
            return .lars(lr: lr, weightDecay: number("weight_decay"), trustCoefficient: number("trust_coefficient"),
                         eps: number("eps"), momentum: number("momentum"), nesterov: flag("nesterov"))
        case .adan:
            return .adan(lr: lr, b1: number("b1"), b2: number("b2"), b3: number("b3"), eps: number("eps"),
                         epsRoot: number("eps_root"), weightDecay: number("weight_decay"))
        case .sam:
            if flag("nesterov") && number("momentum") <= 0 {
                throw SpecError(field: fieldPath(path, "nesterov"), message: "requires momentum > 0", code: "invalid_value")
            }
            return .sam(.optax(lr: lr, rho: number("rho"), momentum: number("momentum"), nesterov: flag("nesterov")))
        case .asam:
            if flag("nesterov") && (number("momentum") <= 0 || number("dampening") != 0) {
                throw SpecError(field: fieldPath(path, "nesterov"), message: "requires momentum > 0 and dampening 0",
                                code: "invalid_value")
            }
            return .sam(.adaptive(lr: lr, rho: number("rho"), eta: number("eta"), momentum: number("momentum"),
                                  dampening: number("dampening"), weightDecay: number("weight_decay"), nesterov: flag("nesterov")))
        case .prodigy:
            return .prodigy(lr: lr, beta1: betas.0, beta2: betas.1, beta3: value("beta3").number, eps: number("eps"),
                            estimLR0: number("estim_lr0"), estimLRCoef: number("estim_lr_coef"),
                            weightDecay: number("weight_decay"), safeguardWarmup: flag("safeguard_warmup"))
        case .scheduleFreeSGD:
            return .scheduleFreeSGD(lr: lr, b1: number("b1"), weightDecay: number("weight_decay"), weightLRPower: number("weight_lr_power"))
        case .scheduleFreeAdamW:
            return .scheduleFreeAdamW(lr: lr, b1: number("b1"), b2: number("b2"), eps: number("eps"), weightDecay: number("weight_decay"),
                                      weightLRPower: number("weight_lr_power"))
        case .muon:
            return .muon(lr: lr, nsCoefficients: value("ns_coeffs").numbers ?? [], nsSteps: integer("ns_steps"), beta: number("beta"),
                         eps: number("eps"), weightDecay: number("weight_decay"), nesterov: flag("nesterov"),
                         adamB1: number("adam_b1"), adamB2: number("adam_b2"), adamEpsRoot: number("adam_eps_root"),
                         adamWeightDecay: number("adam_weight_decay"), consistentRMS: value("consistent_rms").number)
        case .newton: return .newton(lr: lr, damping: number("damping"), krylovDimension: integer("krylov_dimension"))
        case .saddleFreeNewton:
            return .saddleFreeNewton(lr: lr, damping: number("damping"), krylovDimension: integer("krylov_dimension"))
        case .negativeCurvature: return .negativeCurvature(lr: lr, gradTol: number("grad_tol"), escapeStep: number("escape_step"))
        }
    }

    /// A two-number parameter (betas, etas, step_sizes); the check guarantees two numbers.
    private func pair(_ name: String) -> (Double, Double) {
        let numbers = value(name).numbers ?? []
        return numbers.count == 2 ? (numbers[0], numbers[1]) : (.nan, .nan)
    }

    /// The Adam family's (β₁, β₂).
    private var betas: (Double, Double) { pair("betas") }
}
