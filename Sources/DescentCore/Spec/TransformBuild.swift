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
        case .accumulate: return .accumulation(integer("steps"))
        }
    }

    /// A built entry: a change to the gradient, or a parameter average.
    enum Either {
        case gradient(GradientTransform)
        case average(ParameterAveraging)
        /// Mini-batches per update.
        case accumulation(Int)
    }
}

extension ExperimentSpec {
    /// Mini-batches per update: the `accumulate` entry's `steps`, 1 without one (read from the spec alone, for the
    /// step budget; `buildTransforms` checks the entry).
    public var accumulationSteps: Int {
        transforms.first { $0.kind == .accumulate }.map { max(1, $0.integer("steps")) } ?? 1
    }

    /// The spec's gradient transforms in order, its parameter average and its mini-batches per update.
    /// - Throws: `SpecError` at `transforms[i]` for a second average or an average with `asgd` or a schedule-free
    ///   rule (whose own average is the summary's), for a gradient transform with `lbfgs` (which evaluates its own
    ///   gradients, so a transform would silently do nothing), or for an `accumulate` that is not first, not the
    ///   only one, or without mini-batches.
    func buildTransforms(optimizer: OptimizerConfiguration) throws(SpecError)
        -> (transforms: [GradientTransform], averaging: ParameterAveraging?, accumulation: Int) {
        var gradientTransforms: [GradientTransform] = []
        var averaging: ParameterAveraging?
        var accumulation = 1
        let ownGradients: String? = switch optimizer {
        case .lbfgs: "lbfgs"
        case let .sam(rule): rule.typeName
        default: nil
        }
        for (i, entry) in transforms.enumerated() {
            let path = "transforms[\(i)]"
            switch try entry.build(path: path) {
            case let .accumulation(k):
                if let rule = ownGradients {
                    throw SpecError(field: path, message: "accumulate cannot be used with \(rule), which evaluates its own gradients",
                                    code: "invalid_value")
                }
                // It forms the gradient the other transforms change, so it comes before them.
                if i != 0 {
                    throw SpecError(field: fieldPath(path, "type"), message: "accumulate must be the first entry of transforms",
                                    code: "invalid_value")
                }
                if batchSize == nil {
                    throw SpecError(field: path, message: "accumulate needs mini-batches: set batch_size (with the full batch every "
                                    + "micro-batch would be the same)", code: "invalid_value")
                }
                accumulation = k
            case let .gradient(transform):
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
        return (gradientTransforms, averaging, accumulation)
    }
}
