/// The training loop for one concrete objective and optimizer type (no existentials per step).
struct TrainingLoop<O: Objective, P: Optimizer> {
    let objective: O
    let optimizer: P
    let configuration: TrainingConfiguration

    /// Runs to a stop and returns the trajectory and summary.
    func run(control: RunControl, progressEvery: Int, onProgress: ((TrajectoryChunk) -> Void)?) -> RunResult {
        let c = configuration
        // A local copy: mutating `self.optimizer` in place made Swift copy its state arrays every step.
        var optimizer = self.optimizer
        let n = objective.dimension
        var theta = c.start
        var gradient = [Double](repeating: 0, count: n)
        var buffers = objective.initialBuffers()
        let hasData = objective.sampleCount > 0
        var batcher = Batcher(sampleCount: objective.sampleCount, batchSize: hasData ? c.batchSize : nil,
                              dropLast: c.dropLast, seed: c.seed)
        let batchesPerEpoch = hasData ? batcher.batchesPerEpoch : Int.max
        var trajectory = Trajectory(dimension: n)
        trajectory.reserve(rows: c.maximumRows, withParams: c.recordParams)
        let recordEvery = max(1, c.recordEvery)
        let reportEvery = max(1, progressEvery)
        var reportedRows = 0, reportedEpochs = 0

        var epoch = 0, batchIndex = 0
        batcher.startEpoch(0)
        var initialLoss = 0.0
        var bestLoss = Double.infinity, bestStep = 0
        var stop = StopReason.budget
        var t = 0
        while t < c.steps {
            if control.isCancelled { stop = .cancelled; break }
            if batchIndex == batchesPerEpoch {
                trajectory.epochs.append(epochRecord(theta, buffers, epoch: epoch, step: t))
                epoch += 1
                batchIndex = 0
                batcher.startEpoch(epoch)
            }
            let lr = c.schedule.learningRate(at: t, base: c.learningRate)
            let loss = objective.trainingStep(at: theta, batch: batcher.batch(batchIndex), buffers: &buffers,
                                              gradient: &gradient)
            var squares = 0.0
            for i in 0..<n { squares += gradient[i] * gradient[i] }
            let gradNorm = squares.squareRoot()
            if t % recordEvery == 0 {
                trajectory.step.append(t); trajectory.epoch.append(epoch); trajectory.lr.append(lr)
                trajectory.loss.append(loss); trajectory.gradNorm.append(gradNorm)
                if c.recordParams { for i in 0..<n { trajectory.params.append(theta[i]) } }
            }
            if t == 0 { initialLoss = loss }
            if loss < bestLoss { bestLoss = loss; bestStep = t }
            if !loss.isFinite || !gradNorm.isFinite
                || (initialLoss != 0 && abs(loss) > c.divergenceFactor * abs(initialLoss)) {
                stop = .diverged; break
            }
            if c.gradNormTolerance > 0 && gradNorm <= c.gradNormTolerance { stop = .gradientTolerance; break }
            if let target = c.lossTarget, loss <= target { stop = .lossTarget; break }
            optimizer.step(parameters: &theta, gradient: &gradient, learningRate: lr)
            t += 1
            batchIndex += 1
            if let onProgress, t % reportEvery == 0 {
                onProgress(TrajectoryChunk(records: trajectory.suffix(fromRow: reportedRows, epochsFrom: reportedEpochs),
                                           stepsDone: t))
                reportedRows = trajectory.count; reportedEpochs = trajectory.epochs.count
            }
        }
        if hasData && batchIndex == batchesPerEpoch && stop == .budget {
            trajectory.epochs.append(epochRecord(theta, buffers, epoch: epoch, step: t))
        }

        // The final point: full-batch loss and gradient at the last parameters.
        var scratch = buffers
        let trainingModeLoss = objective.trainingStep(at: theta, batch: .full, buffers: &scratch, gradient: &gradient)
        var squares = 0.0
        for i in 0..<n { squares += gradient[i] * gradient[i] }
        let training = objective.evaluate(at: theta, buffers: buffers, split: .training)
        let validation = objective.evaluate(at: theta, buffers: buffers, split: .validation)
        let finalLoss = training?.loss ?? trainingModeLoss
        if trajectory.step.last != t {
            trajectory.step.append(t); trajectory.epoch.append(epoch)
            trajectory.lr.append(c.schedule.learningRate(at: t, base: c.learningRate))
            trajectory.loss.append(finalLoss); trajectory.gradNorm.append(squares.squareRoot())
            if c.recordParams { trajectory.params.append(contentsOf: theta) }
        }
        if let onProgress {
            onProgress(TrajectoryChunk(records: trajectory.suffix(fromRow: reportedRows, epochsFrom: reportedEpochs),
                                       stepsDone: t))
        }
        let summary = RunSummary(
            stopReason: stop, stepsRun: t, finalLoss: finalLoss,
            bestLoss: bestLoss.isFinite || bestLoss.isNaN ? bestLoss : finalLoss, bestStep: bestStep,
            finalParams: theta, finalGradNorm: squares.squareRoot(),
            trainLoss: training?.loss, validationLoss: validation?.loss, validationAccuracy: validation?.accuracy)
        return RunResult(trajectory: trajectory, summary: summary)
    }

    /// Inference-mode losses at the end of an epoch.
    private func epochRecord(_ theta: [Double], _ buffers: [Double], epoch: Int, step: Int) -> EpochRecord {
        let training = objective.evaluate(at: theta, buffers: buffers, split: .training)
        let validation = objective.evaluate(at: theta, buffers: buffers, split: .validation)
        return EpochRecord(epoch: epoch, step: step, trainLoss: training?.loss ?? objective.value(at: theta, batch: .full),
                           validationLoss: validation?.loss, validationAccuracy: validation?.accuracy)
    }
}
