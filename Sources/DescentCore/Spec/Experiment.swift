/// A validated, runnable experiment.
public struct Experiment: Sendable {
    /// The spec it came from.
    public let spec: ExperimentSpec
    /// Number of parameters.
    public var dimension: Int { objective.dimension }
    /// The loss.
    public let objective: any Objective
    /// The optimizer.
    public let optimizer: OptimizerConfiguration
    /// Start, budget, schedule, batching, stops and recording.
    public let configuration: TrainingConfiguration

    /// Runs the experiment to a stop. Same spec ⇒ bit-identical result.
    /// - Parameters:
    ///   - control: cancellation flag, checked every step.
    ///   - progressEvery: steps between `onProgress` calls (default 1024).
    ///   - onProgress: receives the rows recorded since the previous call, and once at the end.
    public func run(control: RunControl = RunControl(), progressEvery: Int = 1024,
                    onProgress: ((TrajectoryChunk) -> Void)? = nil) -> RunResult {
        Trainer.run(objective: objective, optimizer: optimizer, configuration: configuration,
                    control: control, progressEvery: progressEvery, onProgress: onProgress)
    }

    /// The same experiment run under a study's pruning rule (nil: none); see `PruneRule`.
    public func pruned(by rule: PruneRule?) -> Experiment {
        var c = configuration
        c.prune = rule
        return Experiment(spec: spec, objective: objective, optimizer: optimizer, configuration: c)
    }
}

extension ExperimentSpec {
    /// Checks every field and limit and builds the objective, optimizer and schedule.
    /// - Throws: `SpecError` naming the offending field's JSON path.
    public func validated(limits: SpecLimits = .init()) throws(SpecError) -> Experiment {
        try SpecIssues.firstError { issues in checkBounds(limits: limits, into: &issues) }
        let objective = try self.objective.build(dataset: dataset, seed: seed, limits: limits)
        let optimizer = try self.optimizer.build(path: "optimizer")
        if case .lbfgs = optimizer, batchSize != nil {
            throw SpecError(field: "batch_size", message: "must be null with lbfgs, which evaluates the full batch", code: "invalid_value")
        }
        if case let .sam(rule) = optimizer, batchSize != nil {
            throw SpecError(field: "batch_size", message: "must be null with \(rule.typeName), which evaluates the full batch at its ascent point",
                            code: "invalid_value")
        }
        let (gradientTransforms, averaging, accumulation) = try buildTransforms(optimizer: optimizer)
        let steps = stepBudget
        try checkSharpness(objective: objective, steps: steps)
        if layerStats && ((objective as? MLPObjective)?.hiddenLayers.isEmpty ?? true) {
            throw SpecError(field: "analysis.layer_stats", message: "needs an objective with hidden layers (mlp); \(self.objective.type) has none",
                            code: "invalid_value")
        }
        let schedule = try self.schedule?.build(baseLR: optimizer.learningRate, steps: steps, path: "schedule") ?? .constant
        if case let .reduceOnPlateau(rule) = schedule, rule.metric != .batchLoss {
            try checkEvaluationsExist(for: rule.metric)
        }
        if schedule.momentumCycle != nil && !optimizer.hasCyclableMomentum {
            throw SpecError(field: "schedule.cycle_momentum",
                            message: "needs an optimizer with momentum or betas (sgd, rmsprop, adam, adamw, nadam, radam, adamax); "
                                + "\(self.optimizer.type) has neither", code: "invalid_value")
        }
        let parameterGroups = try self.optimizer.buildGroups(objective: objective, schedule: schedule, path: "optimizer")
        if !parameterGroups.isEmpty {
            // Each group keeps its own ReduceLROnPlateau fed with the batch loss, and its own rule's momentum: the
            // evaluation metrics and the cycled momentum act on the one optimizer of runs without groups.
            if case let .reduceOnPlateau(rule) = schedule, rule.metric != .batchLoss {
                throw SpecError(field: "schedule.metric", message: "must be batch_loss with optimizer.param_groups", code: "invalid_value")
            }
            if schedule.momentumCycle != nil {
                throw SpecError(field: "schedule.cycle_momentum", message: "cannot be used with optimizer.param_groups", code: "invalid_value")
            }
        }
        let n = objective.dimension
        let initial: [Double]
        if let start {
            guard start.count == n else {
                throw SpecError(field: "start", message: "must have \(n) values (the objective's dimension)", code: "invalid_value")
            }
            for (i, v) in start.enumerated() where !v.isFinite {
                throw SpecError(field: "start[\(i)]", message: "must be finite", code: "out_of_range")
            }
            initial = start
        } else if let model = objective as? any DatasetModel {
            initial = model.initialParameters(seed: seed)
        } else {
            // Closed forms: uniform in [-1, 1]ⁿ from the seed.
            var random = SeededRandom(seed: seed)
            initial = (0..<n).map { _ in 2 * random.nextDouble() - 1 }
        }
        var configuration = TrainingConfiguration(
            start: initial, steps: steps, learningRate: optimizer.learningRate, schedule: schedule,
            batchSize: batchSize, dropLast: dropLast, seed: seed, gradNormTolerance: stop.gradNormTol,
            lossTarget: stop.lossTarget, divergenceFactor: stop.divergenceFactor, recordEvery: recordEvery,
            recordParams: recordParams, evaluateEvery: evaluationEvery, sharpnessEvery: sharpnessEvery,
            layerStats: layerStats)
        configuration.transforms = gradientTransforms
        configuration.averaging = averaging
        configuration.accumulation = accumulation
        configuration.recordInternals = recordInternals
        configuration.parameterGroups = parameterGroups
        let rows = configuration.maximumRows
        if rows > limits.maxTrajectoryPoints {
            throw SpecError(field: "record_every", message: "steps / record_every gives \(rows) rows; at most \(limits.maxTrajectoryPoints)",
                            code: "too_large")
        }
        if recordParams && rows.multipliedReportingOverflow(by: n).partialValue > limits.maxTrajectoryParamValues {
            throw SpecError(field: "record_params", message: "rows × dimension exceeds \(limits.maxTrajectoryParamValues) values; "
                            + "raise record_every or set record_params false", code: "too_large")
        }
        if dataset != nil, let b = batchSize, dropLast, b > objective.sampleCount {
            throw SpecError(field: "batch_size", message: "with drop_last must be at most the \(objective.sampleCount) training samples",
                            code: "invalid_value")
        }
        return Experiment(spec: self, objective: objective, optimizer: optimizer, configuration: configuration)
    }

    /// reduce_on_plateau on evaluations needs a dataset objective (which has evaluations), and on the validation
    /// loss a validation split.
    private func checkEvaluationsExist(for metric: ReduceOnPlateau.Metric) throws(SpecError) {
        guard let dataset else {
            throw SpecError(field: "schedule.metric", message: "\(metric.rawValue) needs a dataset objective (a closed form has no evaluations); "
                            + "use batch_loss", code: "invalid_value")
        }
        let samples = switch dataset.kind {
        case .synthetic: dataset.integer("samples")
        case .inline: dataset.value("x").array?.count ?? 0
        }
        if metric == .validationLoss && Dataset.validationCount(samples: samples, fraction: dataset.number("validation_fraction")) == 0 {
            throw SpecError(field: "schedule.metric", message: "validation_loss needs a validation split: set dataset.validation_fraction",
                            code: "invalid_value")
        }
    }

    /// Checks the top-level numbers against `limits` and the rules the tables cannot state.
    func checkBounds(limits: SpecLimits, into issues: inout SpecIssues) {
        if let steps, steps < 1 || steps > limits.maxSteps {
            issues.add(SpecError(field: "steps", message: "must be in [1, \(limits.maxSteps)]", code: "out_of_range"))
        }
        if recordEvery < 1 { issues.add(SpecError(field: "record_every", message: "must be in [1, inf)", code: "out_of_range")) }
        if let b = batchSize, b < 1 { issues.add(SpecError(field: "batch_size", message: "must be in [1, inf)", code: "out_of_range")) }
        if seed >= 1 << 53 { issues.add(SpecError(field: "seed", message: "must be in [0, 9007199254740992)", code: "out_of_range")) }
        if !(stop.gradNormTol >= 0 && stop.gradNormTol.isFinite) {
            issues.add(SpecError(field: "stop.grad_norm_tol", message: "must be in [0, inf)", code: "out_of_range"))
        }
        if !(stop.divergenceFactor > 1 && stop.divergenceFactor.isFinite) {
            issues.add(SpecError(field: "stop.divergence_factor", message: "must be in (1, inf)", code: "out_of_range"))
        }
        if let target = stop.lossTarget, !target.isFinite {
            issues.add(SpecError(field: "stop.loss_target", message: "must be a finite number", code: "out_of_range"))
        }
        checkDataRules(limits: limits, into: &issues)
    }
}
