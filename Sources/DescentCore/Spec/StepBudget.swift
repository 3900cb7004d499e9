extension DatasetSpec {
    /// Training samples N after the validation split, computed from the spec alone (no data is built):
    /// `samples` or the rows of `x`, less `Dataset.validationCount` when `validation_fraction` > 0.
    public var trainingSampleCount: Int {
        let n: Int
        switch kind {
        case .synthetic: n = max(0, integer("samples"))
        case .inline: n = parameters["x"]?.array?.count ?? 0
        }
        let fraction = number("validation_fraction")
        return fraction > 0 ? n - Dataset.validationCount(samples: n, fraction: fraction) : n
    }
}

extension ExperimentSpec {
    /// Optimizer updates per epoch: 1 for full batch (and closed forms), else ⌈N/B⌉ (⌊N/B⌋ with drop_last).
    public var batchesPerEpoch: Int {
        guard let dataset else { return 1 }
        return Batcher.batchesPerEpoch(sampleCount: dataset.trainingSampleCount, batchSize: batchSize, dropLast: dropLast)
    }

    /// The step budget (optimizer updates): `steps`, else ⌊`epochs` × `batchesPerEpoch` / k⌋ (at least 1) with k
    /// the mini-batches per update (`accumulate`, else 1), else 1000.
    public var stepBudget: Int {
        if let steps { return steps }
        guard let epochs else { return 1000 }
        return max(1, epochs.multipliedReportingOverflow(by: batchesPerEpoch).partialValue / accumulationSteps)
    }

    /// The rules that tie the budget, batching and evaluation to the objective: `steps` or `epochs`, not
    /// both; batching, epochs and evaluations only for dataset objectives (a closed form has no data and
    /// would ignore them); batch normalisation never on a batch of one sample.
    func checkDataRules(limits: SpecLimits, into issues: inout SpecIssues) {
        if steps != nil && epochs != nil {
            issues.add(SpecError(field: "epochs", message: "give either steps or epochs, not both", code: "invalid_value"))
        }
        if let e = epochs, e < 1 { issues.add(SpecError(field: "epochs", message: "must be in [1, inf)", code: "out_of_range")) }
        if let k = evaluationEvery, k < 1 {
            issues.add(SpecError(field: "evaluation.every", message: "must be in [1, inf)", code: "out_of_range"))
        }
        switch objective.kind {
        case .closedForm: rejectDataFields(into: &issues)
        case .model(let model):
            guard let dataset else { return }  // building reports the missing dataset
            let n = dataset.trainingSampleCount
            checkBatchEvaluations(limits: limits, into: &issues)
            if model == .mlp { checkBatchNorm(trainingSamples: n, into: &issues) }
        }
    }

    /// The run's mini-batch evaluations — `epochs` × batches per epoch, or `steps` × k with `accumulate` (k per
    /// update) — stay within `limits.maxSteps`, without overflow, and `epochs` give at least one whole update.
    private func checkBatchEvaluations(limits: SpecLimits, into issues: inout SpecIssues) {
        let k = accumulationSteps
        let kField = "transforms[\(transforms.firstIndex { $0.kind == .accumulate } ?? 0)].steps"
        if let s = steps, s >= 1, k > 1 {
            let (evaluations, overflow) = s.multipliedReportingOverflow(by: k)
            if overflow || evaluations > limits.maxSteps {
                issues.add(SpecError(field: kField, message: "makes \(overflow ? "more than \(Int.max)" : "\(evaluations)") mini-batch "
                                     + "evaluations (\(s) steps × \(k) per update); at most \(limits.maxSteps)", code: "out_of_range"))
            }
        }
        guard let e = epochs, e >= 1, steps == nil else { return }
        let perEpoch = batchesPerEpoch
        let (batches, overflow) = e.multipliedReportingOverflow(by: perEpoch)
        if overflow || batches > limits.maxSteps {
            let shown = overflow ? "more than \(Int.max)" : "\(batches)"
            let updates = k > 1 ? ", \(batches / k) updates of \(k)" : ""
            issues.add(SpecError(field: "epochs", message: "gives \(shown) mini-batches (\(e) × \(perEpoch) batches per epoch\(updates)); "
                                 + "at most \(limits.maxSteps)", code: "out_of_range"))
        } else if k > batches {
            issues.add(SpecError(field: kField, message: "is more than the \(batches) mini-batches of \(e) epoch(s) (\(perEpoch) per "
                                 + "epoch): not one whole update would fit; lower it or give more epochs", code: "out_of_range"))
        }
    }

    /// Closed forms take no `batch_size`, `drop_last`, `epochs` or `evaluation`.
    private func rejectDataFields(into issues: inout SpecIssues) {
        let why = "a closed-form objective has no data: every step uses the exact loss and gradient"
        let name = objective.type
        if batchSize != nil {
            issues.add(SpecError(field: "batch_size", message: "is not used by objective '\(name)' (\(why)); remove it", code: "invalid_value"))
        }
        if dropLast {
            issues.add(SpecError(field: "drop_last", message: "is not used by objective '\(name)' (\(why)); remove it", code: "invalid_value"))
        }
        if epochs != nil {
            issues.add(SpecError(field: "epochs", message: "needs a dataset objective (\(why), so there are no epochs); give steps",
                                 code: "invalid_value"))
        }
        if evaluationEvery != nil {
            issues.add(SpecError(field: "evaluation", message: "is not used by objective '\(name)' (\(why), so every step's loss is "
                                 + "the full loss); remove it", code: "invalid_value"))
        }
    }

    /// Batch normalisation divides by the batch's standard deviation per unit: a batch of one sample has
    /// none (PyTorch's BatchNorm raises "Expected more than 1 value per channel when training").
    private func checkBatchNorm(trainingSamples n: Int, into issues: inout SpecIssues) {
        guard let options = objective.parameters["batch_norm"], options.object != nil,
              let hidden = objective.value("hidden").array, !hidden.isEmpty else { return }
        let why = "batch normalisation needs at least 2 samples per batch: one sample has zero variance, so every hidden "
            + "unit is normalised to 0 and the network cannot learn (PyTorch refuses it: \"Expected more than 1 value per "
            + "channel when training\")"
        guard let b = batchSize, b < n else {
            if n == 1 { issues.add(SpecError(field: "dataset", message: "has 1 training sample; \(why)", code: "invalid_value")) }
            return
        }
        if b == 1 {
            issues.add(SpecError(field: "batch_size", message: "must be at least 2 with batch_norm: \(why)", code: "invalid_value"))
        } else if !dropLast && n % b == 1 {
            issues.add(SpecError(field: "batch_size", message: "leaves a last batch of 1 sample in every epoch (\(n) training samples = "
                                 + "\(n / b) × \(b) + 1); \(why). Set drop_last or another batch_size", code: "invalid_value"))
        }
    }
}
