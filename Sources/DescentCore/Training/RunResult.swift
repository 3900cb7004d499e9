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
}

/// The rows recorded since the previous progress report.
public struct TrajectoryChunk: Sendable {
    /// The new rows (and epoch records).
    public var records: Trajectory
    /// Optimizer steps done so far.
    public var stepsDone: Int
}

/// The end state of a run.
public struct RunSummary: Sendable, Equatable, Codable {
    /// Why it stopped.
    public var stopReason: StopReason
    /// Optimizer updates applied.
    public var stepsRun: Int
    /// Loss at the final parameters over all training data (inference mode).
    public var finalLoss: Double
    /// Smallest batch loss seen.
    public var bestLoss: Double
    /// Step of `bestLoss`.
    public var bestStep: Int
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
}

/// Everything a run produced.
public struct RunResult: Sendable {
    /// The recorded path.
    public var trajectory: Trajectory
    /// The end state.
    public var summary: RunSummary
}

extension RunSummary {
    /// The summary at the end of a run; the final point counts as a recorded point, so the best
    /// loss never exceeds the final one.
    init(finishing stop: StopReason, steps: Int, finalLoss: Double, bestLoss: Double, bestStep: Int, params: [Double],
         gradNorm: Double, training: Evaluation?, validation: Evaluation?) {
        var best = bestLoss, bestAt = bestStep
        if finalLoss < best { best = finalLoss; bestAt = steps }
        if !(best.isFinite || best.isNaN) { best = finalLoss }
        self.init(stopReason: stop, stepsRun: steps, finalLoss: finalLoss, bestLoss: best, bestStep: bestAt,
                  finalParams: params, finalGradNorm: gradNorm, trainLoss: training?.loss,
                  validationLoss: validation?.loss, validationAccuracy: validation?.accuracy)
    }
}
