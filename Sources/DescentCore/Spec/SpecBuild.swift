extension OptimizerSpec {
    /// The optimizer configuration this (checked) spec describes.
    func configuration(path: String) throws(SpecError) -> OptimizerConfiguration {
        try check(path: path)
        let lr = number("lr")
        switch type {
        case "sgd":
            if flag("nesterov") && (number("momentum") <= 0 || number("dampening") != 0) {
                throw SpecError(field: fieldPath(path, "nesterov"), message: "requires momentum > 0 and dampening 0",
                                code: "invalid_value")
            }
            return .sgd(lr: lr, momentum: number("momentum"), dampening: number("dampening"), nesterov: flag("nesterov"),
                        weightDecay: number("weight_decay"), maximize: flag("maximize"))
        case "momentum_lecture": return .momentumLecture(lr: lr, momentum: number("momentum"))
        case "adagrad":
            return .adagrad(lr: lr, lrDecay: number("lr_decay"), weightDecay: number("weight_decay"),
                            initialAccumulatorValue: number("initial_accumulator_value"), eps: number("eps"))
        case "adagrad_lecture": return .adagradLecture(lr: lr, sqrtDecay: flag("sqrt_decay"), eps: number("eps"))
        case "rmsprop":
            return .rmsprop(lr: lr, alpha: number("alpha"), eps: number("eps"), weightDecay: number("weight_decay"),
                            momentum: number("momentum"), centered: flag("centered"))
        case "rmsprop_lecture": return .rmspropLecture(lr: lr, alpha: number("alpha"), eps: number("eps"))
        default:
            let betas = value("betas").numbers ?? [0.9, 0.999]
            let args = (lr, betas[0], betas[1], number("eps"), number("weight_decay"), flag("amsgrad"))
            return type == "adam"
                ? .adam(lr: args.0, beta1: args.1, beta2: args.2, eps: args.3, weightDecay: args.4, amsgrad: args.5)
                : .adamw(lr: args.0, beta1: args.1, beta2: args.2, eps: args.3, weightDecay: args.4, amsgrad: args.5)
        }
    }
}

extension ScheduleSpec {
    /// The schedule this (checked) spec describes; `baseLR` and `steps` fill one_cycle's nulls.
    func schedule(baseLR: Double, steps: Int, path: String) throws(SpecError) -> LearningRateSchedule {
        try check(path: path)
        switch type {
        case "constant": return .constant
        case "step": return .step(stepSize: integer("step_size"), gamma: number("gamma"))
        case "multistep":
            let milestones = value("milestones").integers ?? []
            for i in milestones.indices.dropFirst() where milestones[i] <= milestones[i - 1] {
                throw SpecError(field: fieldPath(path, "milestones[\(i)]"), message: "must be greater than the previous milestone",
                                code: "invalid_value")
            }
            return .multiStep(milestones: milestones, gamma: number("gamma"))
        case "exponential": return .exponential(gamma: number("gamma"))
        case "cosine": return .cosine(tMax: integer("t_max"), etaMin: number("eta_min"))
        case "linear_warmup":
            let thenPath = fieldPath(path, "then")
            let then = try ScheduleSpec(checking: value("then"), path: thenPath)
            return .linearWarmup(warmupSteps: integer("warmup_steps"), startFactor: number("start_factor"),
                                 then: try then.schedule(baseLR: baseLR, steps: steps, path: thenPath))
        case "inverse_sqrt": return .inverseSqrt(warmupSteps: integer("warmup_steps"))
        default:  // "one_cycle"
            let total = value("total_steps").integer ?? steps
            let pct = number("pct_start")
            if pct * Double(total) - 1 <= 0 || pct * Double(total) - 1 >= Double(total - 1) {
                throw SpecError(field: fieldPath(path, "pct_start"),
                                message: "pct_start × total_steps must lie in (1, total_steps)", code: "invalid_value")
            }
            return .oneCycle(maxLR: value("max_lr").number ?? baseLR, totalSteps: total, pctStart: pct,
                             divFactor: number("div_factor"), finalDivFactor: number("final_div_factor"))
        }
    }
}
