/// The training loop for one concrete objective and optimizer type (no existentials per step).
struct TrainingLoop<O: Objective, P: Optimizer> {
    let objective: O
    let optimizer: P
    let configuration: TrainingConfiguration

    /// Runs to a stop and returns the trajectory and summary.
    func run(control: RunControl, progressEvery: Int, onProgress: ((TrajectoryChunk) -> Void)?) -> RunResult {
        var summary: RunSummary?
        var epochs: [EpochRecord] = []
        var sharpness: [SharpnessRecord] = []
        var layerStats: [LayerStatsRecord] = []
        let c = configuration
        let internals = c.recordInternals
            ? OptimizerInternals(optimizer: optimizer, dimension: objective.dimension, averaging: c.averaging != nil) : nil
        var trajectory = TrajectoryColumns.fill(rows: c.columnRows(reportEvery: progressEvery), dimension: objective.dimension,
                                                withParams: c.recordParams, keep: c.keepsTrajectory,
                                                internalNames: internals?.names ?? []) { columns in
            loop(columns, control: control, progressEvery: progressEvery, onProgress: onProgress, internals: internals,
                 epochs: &epochs, sharpness: &sharpness, layerStats: &layerStats, summary: &summary)
        }
        if c.keepsTrajectory {
            trajectory.epochs = epochs
            trajectory.sharpness = sharpness
            trajectory.layerStats = layerStats
        }
        // `loop` always sets the summary; the fallback only satisfies the type checker.
        return RunResult(trajectory: trajectory, summary: summary ?? RunSummary(cancelledBeforeStart: c.start))
    }

    /// The loop proper: fills `columns`, returns the number of rows.
    private func loop(_ columns: TrajectoryColumns, control: RunControl, progressEvery: Int,
                      onProgress: ((TrajectoryChunk) -> Void)?, internals: OptimizerInternals?, epochs: inout [EpochRecord],
                      sharpness: inout [SharpnessRecord], layerStats: inout [LayerStatsRecord],
                      summary: inout RunSummary?) -> Int {
        let c = configuration
        let n = objective.dimension
        // A local copy: mutating a stored optimizer in place made Swift copy its state arrays every step.
        var optimizer = self.optimizer
        var theta = c.start
        var gradient = [Double](repeating: 0, count: n)
        var buffers = objective.initialBuffers()
        let hasData = objective.sampleCount > 0
        var batcher = Batcher(sampleCount: objective.sampleCount, batchSize: hasData ? c.batchSize : nil,
                              dropLast: c.dropLast, seed: c.seed)
        let batchesPerEpoch = hasData ? batcher.batchesPerEpoch : Int.max
        let fullBatch = batcher.isFullBatch
        let recordEvery = max(1, c.recordEvery)
        let reportEvery = max(1, progressEvery)
        let constantRate = c.schedule == .constant
        // ReduceLROnPlateau: the rate follows the batch losses observed after each update.
        var plateau: PlateauTracker? = if case let .reduceOnPlateau(rule) = c.schedule {
            PlateauTracker(rule, rate: c.learningRate)
        } else { nil }
        // …or the evaluations after the start (training or validation loss), which change the rate of later updates.
        let watchesEvaluations = (plateau?.rule.metric ?? .batchLoss) != .batchLoss
        let recordParams = c.recordParams
        var rows = 0, reportedRows = 0, reportedEpochs = 0, reportedSharpness = 0, reportedLayerStats = 0
        // Sharpness records read θ only (the full training set's Hessian and gradient), before the step's update.
        let sharpnessEvery = c.sharpnessEvery.map { max(1, $0) }
        var untilRecord = 0, untilReport = reportEvery

        var epoch = 0, batchIndex = 0
        batcher.startEpoch(0)
        var initialLoss = 0.0
        var bestLoss = Double.infinity, bestStep = 0
        var stop = StopReason.budget
        // With data, the full training-set loss (inference mode) is evaluated at step 0, then at every epoch's
        // end or every `evaluateEvery` steps; those evaluations, not single batches, give the best loss and the
        // loss-target stop. They read θ and the buffers only, so the batch order does not change.
        let evaluateEvery = hasData ? c.evaluateEvery.map { max(1, $0) } : nil
        var best = Best()
        var pruning = PruneProgress()
        /// Whether the evaluation `record` inside the budget prunes the run.
        func prunes(_ record: EpochRecord) -> Bool {
            guard let rule = c.prune else { return false }
            return pruning.report(step: record.step, value: record.trainLoss, rule: rule)
        }
        // Gradient transforms (before each update) and the parameter average (after it).
        let transforming = !c.transforms.isEmpty
        var transforms = GradientTransformChain(c.transforms, seed: c.seed)
        let averaging = c.averaging != nil
        var average = ParameterAverage(c.averaging ?? .polyak)
        // Optimizer internals (`record_internals`): read-only copies, written beside each recorded row.
        var internals = internals
        let recordsInternals = internals != nil
        if hasData {
            let initial = epochRecord(theta, buffers, epoch: 0, step: 0)
            if c.layerStats { layerStats += LayerStatsRecord.measure(objective, at: theta, buffers: buffers, step: 0) }
            if best.consider(initial, target: c.lossTarget) { stop = .lossTarget }
        }
        var t = 0
        // Gradient accumulation: k micro-batches per update, their gradients and losses summed as gⱼ·(1/k).
        let accumulation = max(1, c.accumulation)
        var microGradient = accumulation > 1 ? [Double](repeating: 0, count: n) : []
        let share = 1 / Double(accumulation)
        /// The end of an epoch reached at update t: its evaluation (unless `evaluateEvery` sets them), then the
        /// next epoch's order. Returns the stop it causes, if any.
        func endEpoch() -> StopReason? {
            if evaluateEvery == nil {
                let record = epochRecord(theta, buffers, epoch: epoch, step: t)
                epochs.append(record)
                if c.layerStats { layerStats += LayerStatsRecord.measure(objective, at: theta, buffers: buffers, step: t) }
                if best.consider(record, target: c.lossTarget) { return .lossTarget }
                if t > 0 && prunes(record) { return .pruned }
                if watchesEvaluations && t > 0 { plateau?.observe(evaluation: record) }
            }
            epoch += 1
            batchIndex = 0
            batcher.startEpoch(epoch)
            return nil
        }
        updates: while t < c.steps && stop == .budget {
            if control.isCancelled { stop = .cancelled; break }
            if let k = evaluateEvery, t > 0, t % k == 0 {
                let record = epochRecord(theta, buffers, epoch: epoch, step: t)
                epochs.append(record)
                if c.layerStats { layerStats += LayerStatsRecord.measure(objective, at: theta, buffers: buffers, step: t) }
                if best.consider(record, target: c.lossTarget) { stop = .lossTarget; break }
                if prunes(record) { stop = .pruned; break }
                if watchesEvaluations { plateau?.observe(evaluation: record) }
            }
            if batchIndex == batchesPerEpoch, let reason = endEpoch() { stop = reason; break }
            let lr = constantRate ? c.learningRate : plateau?.rate ?? c.schedule.learningRate(at: t, base: c.learningRate)
            if let k = sharpnessEvery, t % k == 0 {
                sharpness.append(SharpnessRecord.measure(objective, at: theta, step: t, lr: lr))
            }
            let rowEpoch = epoch
            var loss = objective.trainingStep(at: theta, batch: fullBatch ? .full : batcher.batch(batchIndex), buffers: &buffers,
                                              gradient: &gradient)
            if accumulation > 1 {
                // torch's pattern: (loss/k).backward() per micro-batch sums into .grad, then one step.
                loss *= share
                for i in 0..<n { gradient[i] *= share }
                for _ in 1..<accumulation {
                    if control.isCancelled { stop = .cancelled; break updates }
                    batchIndex += 1
                    if batchIndex == batchesPerEpoch, let reason = endEpoch() { stop = reason; break updates }
                    let microLoss = objective.trainingStep(at: theta, batch: fullBatch ? .full : batcher.batch(batchIndex),
                                                           buffers: &buffers, gradient: &microGradient)
                    loss += microLoss * share
                    for i in 0..<n { gradient[i] += microGradient[i] * share }
                }
            }
            var squares = 0.0
            for i in 0..<n { squares += gradient[i] * gradient[i] }
            let gradNorm = squares.squareRoot()
            if untilRecord == 0 {
                columns.write(row: rows, step: t, epoch: rowEpoch, lr: lr, loss: loss, gradNorm: gradNorm,
                              params: theta, recordParams: recordParams)
                internals?.write(to: columns.internals(row: rows), optimizer: optimizer, theta: theta, average: average.point)
                rows += 1
                untilRecord = recordEvery
            }
            untilRecord -= 1
            if t == 0 { initialLoss = loss }
            if loss < bestLoss { bestLoss = loss; bestStep = t }
            if !loss.isFinite || !gradNorm.isFinite
                || (initialLoss != 0 && abs(loss) > c.divergenceFactor * abs(initialLoss)) {
                stop = .diverged; break
            }
            if c.gradNormTolerance > 0 && gradNorm <= c.gradNormTolerance { stop = .gradientTolerance; break }
            if !hasData, let target = c.lossTarget, loss <= target { stop = .lossTarget; break }
            if !hasData, let rule = c.prune, rule.reports(atStep: t), pruning.report(step: t, value: loss, rule: rule) {
                stop = .pruned; break
            }
            if transforming { transforms.apply(to: &gradient, step: t) }
            if recordsInternals { internals?.willUpdate(theta, gradient: gradient) }
            optimizer.step(parameters: &theta, gradient: &gradient, learningRate: lr)
            if recordsInternals { internals?.didUpdate(theta) }
            if averaging { average.update(theta) }
            if !watchesEvaluations {
                plateau?.observe(loss)
                optimizer.observe(loss: loss)
            }
            t += 1
            batchIndex += 1
            untilReport -= 1
            if untilReport == 0 {
                if let onProgress {
                    (reportedRows, reportedEpochs) = columns.report(rows: reportedRows..<rows, epochs: epochs, from: reportedEpochs,
                                                                    sharpness: sharpness[reportedSharpness...],
                                                                    layerStats: layerStats[reportedLayerStats...], dimension: n,
                                                                    withParams: recordParams, stepsDone: t, to: onProgress)
                    reportedSharpness = sharpness.count
                    reportedLayerStats = layerStats.count
                }
                if !c.keepsTrajectory {
                    rows = columns.rewind(rows: rows, dimension: n, withParams: recordParams)
                    reportedRows = rows
                }
                untilReport = reportEvery
            }
        }
        if hasData && stop == .budget {
            let due = evaluateEvery.map { t > 0 && t % $0 == 0 } ?? (batchIndex == batchesPerEpoch)
            if due {
                let record = epochRecord(theta, buffers, epoch: epoch, step: t)
                epochs.append(record)
                if c.layerStats { layerStats += LayerStatsRecord.measure(objective, at: theta, buffers: buffers, step: t) }
                _ = best.consider(record, target: nil)
                if watchesEvaluations { plateau?.observe(evaluation: record) }
            }
        }

        // The final point: full-batch loss and gradient at the last parameters.
        var scratch = buffers
        let trainingModeLoss = objective.trainingStep(at: theta, batch: .full, buffers: &scratch, gradient: &gradient)
        var squares = 0.0
        for i in 0..<n { squares += gradient[i] * gradient[i] }
        let training = objective.evaluate(at: theta, buffers: buffers, split: .training)
        let validation = objective.evaluate(at: theta, buffers: buffers, split: .validation)
        let finalLoss = training?.loss ?? trainingModeLoss
        let finalRate = plateau?.rate ?? c.schedule.learningRate(at: t, base: c.learningRate)
        if sharpnessEvery != nil, sharpness.last?.step != t {
            sharpness.append(SharpnessRecord.measure(objective, at: theta, step: t, lr: finalRate))
        }
        if let internals, columns.needsFinalRow(rows: rows, step: t) {
            internals.write(to: columns.internals(row: rows), optimizer: optimizer, theta: theta, average: average.point)
        }
        rows = columns.finish(rows: rows, step: t, epoch: epoch, lr: finalRate,
                              loss: finalLoss, gradNorm: squares.squareRoot(), params: theta, recordParams: recordParams,
                              reportedRows: reportedRows, epochs: epochs, reportedEpochs: reportedEpochs,
                              sharpness: sharpness[reportedSharpness...], layerStats: layerStats[reportedLayerStats...],
                              onProgress: onProgress)
        // Without data every step's loss is the full loss: the best is the best step.
        let bestFull = hasData ? (best.loss, best.step) : (bestLoss, bestStep)
        summary = RunSummary(finishing: stop, steps: t, finalLoss: finalLoss, best: bestFull,
                             bestBatch: hasData ? (bestLoss, bestStep) : nil,
                             evaluationEvery: hasData ? evaluateEvery ?? batchesPerEpoch : nil,
                             params: theta, gradNorm: squares.squareRoot(), training: training, validation: validation)
        // Batch norm's two modes side by side: the same parameters normalised by batch statistics
        // (as in training) and by the running averages (inference, `trainLoss`).
        if !buffers.isEmpty { summary?.trainLossBatchStats = trainingModeLoss }
        if averaging && average.count > 0 { summary?.reportAverage(average.point, objective: objective, buffers: buffers) }
        summary?.reportOptimizer(optimizer, steps: t, objective: objective, buffers: buffers)
        return rows
    }

    /// Inference-mode losses at `theta`: an evaluation at step `step`, during (or at the end of) epoch `epoch`.
    private func epochRecord(_ theta: [Double], _ buffers: [Double], epoch: Int, step: Int) -> EpochRecord {
        let training = objective.evaluate(at: theta, buffers: buffers, split: .training)
        let validation = objective.evaluate(at: theta, buffers: buffers, split: .validation)
        return EpochRecord(epoch: epoch, step: step, trainLoss: training?.loss ?? objective.value(at: theta, batch: .full),
                           validationLoss: validation?.loss, validationAccuracy: validation?.accuracy)
    }
}

/// The lowest full training-set loss among a run's evaluations, and its step.
struct Best {
    /// The lowest loss so far (∞ before the first evaluation).
    var loss = Double.infinity
    /// Its step.
    var step = 0

    /// Takes `record` into account; returns whether its loss reached `target`.
    mutating func consider(_ record: EpochRecord, target: Double?) -> Bool {
        if record.trainLoss < loss { loss = record.trainLoss; step = record.step }
        return target.map { record.trainLoss <= $0 } ?? false
    }
}
