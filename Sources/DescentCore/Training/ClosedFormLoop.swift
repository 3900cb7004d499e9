/// The training loop's fast path for closed-form objectives with a raw-buffer kernel and an
/// optimizer with a raw-buffer step (every torch-named rule but L-BFGS, which evaluates the objective itself).
///
/// θ and the gradient live in one unsafe allocation and rows are written through raw pointers, so
/// a step passes no arrays (no retain/release, no uniqueness checks). Closed-form objectives have
/// no data, hence no batches and no epochs. Every floating-point operation, its order and every
/// stop check are those of `TrainingLoop.loop`: trajectories are bit-identical to the general path
/// (`FastPathTests` compares them).
struct ClosedFormLoop<O: ClosedFormKernel, P: RawStepOptimizer> {
    let objective: O
    let optimizer: P
    let configuration: TrainingConfiguration

    /// Whether this loop applies: θ₀ has the objective's dimension and there is no data.
    static func applies(to objective: O, _ configuration: TrainingConfiguration) -> Bool {
        objective.sampleCount == 0 && objective.dimension > 0 && configuration.start.count == objective.dimension
            && configuration.sharpnessEvery == nil  // sharpness records take the general loop
    }

    /// Runs to a stop and returns the trajectory and summary.
    func run(control: RunControl, progressEvery: Int, onProgress: ((TrajectoryChunk) -> Void)?) -> RunResult {
        var summary: RunSummary?
        let c = configuration
        let trajectory = TrajectoryColumns.fill(rows: c.columnRows(reportEvery: progressEvery), dimension: objective.dimension,
                                                withParams: c.recordParams, keep: c.keepsTrajectory) { columns in
            loop(columns, control: control, progressEvery: progressEvery, onProgress: onProgress, summary: &summary)
        }
        return RunResult(trajectory: trajectory, summary: summary ?? RunSummary(cancelledBeforeStart: c.start))
    }

    private func loop(_ columns: TrajectoryColumns, control: RunControl, progressEvery: Int,
                      onProgress: ((TrajectoryChunk) -> Void)?, summary: inout RunSummary?) -> Int {
        let c = configuration
        let n = objective.dimension
        let objective = self.objective
        var optimizer = self.optimizer
        // θ in storage[0..<n], the gradient in storage[n..<2n].
        let storage = UnsafeMutablePointer<Double>.allocate(capacity: 2 * n)
        defer { storage.deallocate() }
        let theta = storage, gradient = storage + n
        c.start.withUnsafeBufferPointer { theta.initialize(from: $0.baseAddress!, count: n) }
        gradient.initialize(repeating: 0, count: n)
        let steps = c.steps
        let recordEvery = max(1, c.recordEvery)
        let reportEvery = max(1, progressEvery)
        let constantRate = c.schedule == .constant
        let schedule = c.schedule, baseRate = c.learningRate
        let recordParams = c.recordParams
        let windowed = !c.keepsTrajectory
        let divergenceFactor = c.divergenceFactor
        let gradNormTolerance = c.gradNormTolerance
        let lossTarget = c.lossTarget ?? -.infinity
        let hasLossTarget = c.lossTarget != nil
        let prune = c.prune
        var pruning = PruneProgress()
        let epochs: [EpochRecord] = []
        var rows = 0, reportedRows = 0, reportedEpochs = 0
        var untilRecord = 0, untilReport = reportEvery
        var initialLoss = 0.0
        var bestLoss = Double.infinity, bestStep = 0
        var stop = StopReason.budget
        var t = 0
        while t < steps {
            if control.isCancelled { stop = .cancelled; break }
            let lr = constantRate ? baseRate : schedule.learningRate(at: t, base: baseRate)
            let loss = objective.valueAndGradient(UnsafePointer(theta), gradient)
            var squares = 0.0
            for i in 0..<n { squares += gradient[i] * gradient[i] }
            let gradNorm = squares.squareRoot()
            if untilRecord == 0 {
                columns.write(row: rows, step: t, epoch: 0, lr: lr, loss: loss, gradNorm: gradNorm,
                              params: theta, dimension: n, recordParams: recordParams)
                rows += 1
                untilRecord = recordEvery
            }
            untilRecord -= 1
            if t == 0 { initialLoss = loss }
            if loss < bestLoss { bestLoss = loss; bestStep = t }
            if !loss.isFinite || !gradNorm.isFinite
                || (initialLoss != 0 && abs(loss) > divergenceFactor * abs(initialLoss)) {
                stop = .diverged; break
            }
            if gradNormTolerance > 0 && gradNorm <= gradNormTolerance { stop = .gradientTolerance; break }
            if hasLossTarget && loss <= lossTarget { stop = .lossTarget; break }
            if let prune, prune.reports(atStep: t), pruning.report(step: t, value: loss, rule: prune) { stop = .pruned; break }
            optimizer.step(parameters: theta, gradient: UnsafePointer(gradient), count: n, learningRate: lr)
            t += 1
            untilReport -= 1
            if untilReport == 0 {
                if let onProgress {
                    (reportedRows, reportedEpochs) = columns.report(rows: reportedRows..<rows, epochs: epochs,
                                                                    from: reportedEpochs, dimension: n,
                                                                    withParams: recordParams, stepsDone: t, to: onProgress)
                }
                if windowed {
                    rows = columns.rewind(rows: rows, dimension: n, withParams: recordParams)
                    reportedRows = rows
                }
                untilReport = reportEvery
            }
        }

        // The final point, as in `TrainingLoop`: loss and gradient at the last parameters.
        let trainingModeLoss = objective.valueAndGradient(UnsafePointer(theta), gradient)
        var squares = 0.0
        for i in 0..<n { squares += gradient[i] * gradient[i] }
        let finalTheta = Array(UnsafeBufferPointer(start: theta, count: n))
        let buffers = objective.initialBuffers()
        let training = objective.evaluate(at: finalTheta, buffers: buffers, split: .training)
        let validation = objective.evaluate(at: finalTheta, buffers: buffers, split: .validation)
        let finalLoss = training?.loss ?? trainingModeLoss
        rows = columns.finish(rows: rows, step: t, epoch: 0, lr: c.schedule.learningRate(at: t, base: c.learningRate),
                              loss: finalLoss, gradNorm: squares.squareRoot(), params: finalTheta, recordParams: recordParams,
                              reportedRows: reportedRows, epochs: epochs, reportedEpochs: reportedEpochs, onProgress: onProgress)
        summary = RunSummary(finishing: stop, steps: t, finalLoss: finalLoss, best: (bestLoss, bestStep), bestBatch: nil,
                             evaluationEvery: nil, params: finalTheta, gradNorm: squares.squareRoot(), training: training,
                             validation: validation)
        summary?.reportOptimizer(optimizer, steps: t, objective: objective, buffers: buffers)
        return rows
    }
}
