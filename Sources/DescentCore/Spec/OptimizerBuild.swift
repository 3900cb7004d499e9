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
        }
    }

    /// Adam's (β₁, β₂); the check guarantees two numbers.
    private var betas: (Double, Double) {
        let betas = value("betas").numbers ?? [0.9, 0.999]
        return (betas[0], betas[1])
    }
}
