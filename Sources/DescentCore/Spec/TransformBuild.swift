extension TransformSpec {
    /// The gradient transform or parameter average this entry describes; `path` names it in errors.
    /// - Throws: `SpecError` for a parameter outside its table.
    func build(path: String) throws(SpecError) -> Either {
        try check(path: path)
        switch kind {
        case .clipGradNorm: return .gradient(.clipNorm(maxNorm: number("max_norm"), infinity: value("norm_type").string == "inf"))
        case .clipGradValue: return .gradient(.clipValue(number("clip_value")))
        case .gradientNoise: return .gradient(.noise(eta: number("eta"), gamma: number("gamma")))
        case .ema: return .average(.ema(decay: number("decay")))
        case .polyak: return .average(.polyak)
        }
    }

    /// A built entry: a change to the gradient, or a parameter average.
    enum Either {
        case gradient(GradientTransform)
        case average(ParameterAveraging)
    }
}

extension ExperimentSpec {
    /// The spec's gradient transforms in order and its parameter average.
    /// - Throws: `SpecError` at `transforms[i]` for a second average or an average with `asgd` or a schedule-free rule (whose own
    ///   average is the summary's), or for a gradient transform with `lbfgs` (which evaluates its own gradients,
    ///   so a transform would silently do nothing).
    func buildTransforms(optimizer: OptimizerConfiguration) throws(SpecError) -> ([GradientTransform], ParameterAveraging?) {
        var gradientTransforms: [GradientTransform] = []
        var averaging: ParameterAveraging?
        for (i, entry) in transforms.enumerated() {
            let path = "transforms[\(i)]"
            switch try entry.build(path: path) {
            case let .gradient(transform):
                let ownGradients: String? = switch optimizer {
                case .lbfgs: "lbfgs"
                case .sam: "sam"
                default: nil
                }
                if let rule = ownGradients {
                    throw SpecError(field: path, message: "\(entry.type) cannot be used with \(rule), which evaluates its own gradients",
                                    code: "invalid_value")
                }
                gradientTransforms.append(transform)
            case let .average(average):
                guard averaging == nil else {
                    throw SpecError(field: path, message: "at most one parameter average (ema or polyak) per spec", code: "invalid_value")
                }
                if case .asgd = optimizer {
                    throw SpecError(field: path, message: "\(entry.type) cannot be used with asgd, which reports its own average (ax) as averaged_params",
                                    code: "invalid_value")
                }
                switch optimizer {
                case .scheduleFreeSGD, .scheduleFreeAdamW:
                    throw SpecError(field: path, message: "\(entry.type) cannot be used with \(self.optimizer.type), which reports its own "
                                    + "average (x) as averaged_params", code: "invalid_value")
                default: break
                }
                averaging = average
            }
        }
        return (gradientTransforms, averaging)
    }
}
