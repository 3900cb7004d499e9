/// Why a run stopped.
public enum StopReason: String, Codable, Sendable {
    /// The step budget was used up.
    case budget
    /// The gradient norm fell to the tolerance.
    case gradientTolerance = "grad_norm_tol"
    /// The loss reached the target.
    case lossTarget = "loss_target"
    /// The loss became non-finite or exploded.
    case diverged
    /// `RunControl.cancel()` was called.
    case cancelled
    /// A report failed the run's pruning rule (`TrainingConfiguration.prune`).
    case pruned
}

/// The rows recorded since the previous progress report.
public struct TrajectoryChunk: Sendable {
    /// The new rows (and epoch records).
    public var records: Trajectory
    /// Optimizer steps done so far.
    public var stepsDone: Int
}

/// The end state of a run.
///
/// Every loss figure is the full training-set loss (inference mode): for dataset objectives the evaluations
/// at step 0, at every epoch's end (or every `evaluationEvery` steps) and at the end; for closed forms, which
/// have no data, the loss at every step. The single mini-batch losses are the `bestBatch…` figures.
public struct RunSummary: Sendable, Equatable, Codable {
    /// Why it stopped.
    public var stopReason: StopReason
    /// Optimizer updates applied.
    public var stepsRun: Int
    /// Loss at the final parameters over all training data (inference mode).
    public var finalLoss: Double
    /// Smallest full training-set loss evaluated (at most `finalLoss`).
    public var bestLoss: Double
    /// Step of `bestLoss`.
    public var bestStep: Int
    /// Smallest single mini-batch loss (training mode) seen at a step; nil for closed forms (no batches).
    public var bestBatchLoss: Double?
    /// Step of `bestBatchLoss`.
    public var bestBatchStep: Int?
    /// Steps between full training-set evaluations (dataset objectives; an epoch's ⌈N/B⌉ by default); nil for
    /// closed forms, whose every step is one.
    public var evaluationEvery: Int?
    /// Parameters at the end.
    public var finalParams: [Double]
    /// Full-batch gradient norm at the end.
    public var finalGradNorm: Double
    /// Training-set loss at the end (dataset objectives).
    public var trainLoss: Double?
    /// Validation loss at the end (with a validation set).
    public var validationLoss: Double?
    /// Validation accuracy at the end (classifiers with a validation set).
    public var validationAccuracy: Double?
    /// Training-set loss at the end with batch normalisation in training mode — each layer normalised
    /// by the whole training set's own mean and variance instead of the running averages that
    /// `trainLoss` (inference mode) uses; batch-normalised models only.
    public var trainLossBatchStats: Double? = nil
    /// The parameter average after the last update: an `ema` or `polyak` transform's, or ASGD's `ax` (nil
    /// without one, or when no update was made).
    public var averagedParams: [Double]? = nil
    /// The full training-set loss (inference mode) at `averagedParams`.
    public var averagedLoss: Double? = nil
    /// L-BFGS: loss-and-gradient evaluations over the run's steps (torch's `func_evals`), not counting the
    /// final point's.
    public var functionEvaluations: Int? = nil

    /// Creates a summary (the new fields default to nil, as in summaries stored before they existed).
    public init(stopReason: StopReason, stepsRun: Int, finalLoss: Double, bestLoss: Double, bestStep: Int,
                bestBatchLoss: Double? = nil, bestBatchStep: Int? = nil, evaluationEvery: Int? = nil,
                finalParams: [Double], finalGradNorm: Double, trainLoss: Double?, validationLoss: Double?,
                validationAccuracy: Double?, trainLossBatchStats: Double? = nil) {
        self.stopReason = stopReason; self.stepsRun = stepsRun; self.finalLoss = finalLoss
        self.bestLoss = bestLoss; self.bestStep = bestStep
        self.bestBatchLoss = bestBatchLoss; self.bestBatchStep = bestBatchStep; self.evaluationEvery = evaluationEvery
        self.finalParams = finalParams; self.finalGradNorm = finalGradNorm; self.trainLoss = trainLoss
        self.validationLoss = validationLoss; self.validationAccuracy = validationAccuracy
        self.trainLossBatchStats = trainLossBatchStats
    }
}

/// Everything a run produced.
public struct RunResult: Sendable {
    /// The recorded path.
    public var trajectory: Trajectory
    /// The end state.
    public var summary: RunSummary
}

extension RunSummary {
    /// The summary at the end of a run; the final point counts as an evaluated point, so the best loss
    /// never exceeds the final one.
    init(finishing stop: StopReason, steps: Int, finalLoss: Double, best: (loss: Double, step: Int),
         bestBatch: (loss: Double, step: Int)?, evaluationEvery: Int?, params: [Double], gradNorm: Double,
         training: Evaluation?, validation: Evaluation?) {
        var bestLoss = best.loss, bestAt = best.step
        if finalLoss < bestLoss { bestLoss = finalLoss; bestAt = steps }
        if !(bestLoss.isFinite || bestLoss.isNaN) { bestLoss = finalLoss }
        var batchLoss = bestBatch?.loss, batchStep = bestBatch?.step
        if let b = batchLoss, b == .infinity { batchLoss = nil; batchStep = nil }  // no step was taken
        self.init(stopReason: stop, stepsRun: steps, finalLoss: finalLoss, bestLoss: bestLoss, bestStep: bestAt,
                  bestBatchLoss: batchLoss, bestBatchStep: batchStep, evaluationEvery: evaluationEvery,
                  finalParams: params, finalGradNorm: gradNorm, trainLoss: training?.loss,
                  validationLoss: validation?.loss, validationAccuracy: validation?.accuracy)
    }

    /// Reports an averaged point and its full training-set loss (inference mode, with the run's final `buffers`).
    mutating func reportAverage<O: Objective>(_ point: [Double], objective: O, buffers: [Double]) {
        averagedParams = point
        averagedLoss = objective.evaluate(at: point, buffers: buffers, split: .training)?.loss ?? objective.value(at: point, batch: .full)
    }

    /// Reports what the optimizer keeps besides the parameters after `steps` updates: ASGD's average and
    /// L-BFGS's evaluation count.
    mutating func reportOptimizer<O: Objective, P: Optimizer>(_ optimizer: P, steps: Int, objective: O, buffers: [Double]) {
        if let averaging = optimizer as? any AveragingOptimizer, steps > 0 {
            reportAverage(averaging.averagedParameters, objective: objective, buffers: buffers)
        }
        if let grouped = optimizer as? GroupedOptimizer, steps > 0, let average = grouped.averagedParameters {
            reportAverage(average, objective: objective, buffers: buffers)
        }
        if let counting = optimizer as? any EvaluationCountingOptimizer { functionEvaluations = counting.functionEvaluations }
    }

    /// The placeholder of a run that never reached its loop (the loops always set a summary).
    init(cancelledBeforeStart start: [Double]) {
        self.init(stopReason: .cancelled, stepsRun: 0, finalLoss: .nan, bestLoss: .nan, bestStep: 0, finalParams: start,
                  finalGradNorm: .nan, trainLoss: nil, validationLoss: nil, validationAccuracy: nil)
    }
}
