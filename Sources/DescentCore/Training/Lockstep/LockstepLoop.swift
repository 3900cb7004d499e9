/// The loop of a lockstep group: members of one shape advance together, four per block of `Lanes`.
///
/// Per step: each member's cancel flag; the learning rates (each distinct schedule and base once); the rule's
/// shared values (`beginStep`); then block by block the kernel, the gradient norms, the rows, the stop checks
/// and the update. A member that stops is finished at once, from its lane's θ, exactly as `ClosedFormLoop`
/// finishes a run, and its lane is ignored from then on (a block with no member left is skipped). Every
/// operation and check is `ClosedFormLoop`'s, lane by lane, so each member's trajectory and summary are
/// bit-identical to its run alone (`LockstepTests`).
struct LockstepLoop<K: LaneKernel, R: LockstepRule> {
    let objective: K
    let members: [LockstepMember]

    /// Bookkeeping of one member.
    private struct Member {
        var active = true
        var rows = 0, reportedRows = 0
        var initialLoss = 0.0
        var bestLoss = Double.infinity, bestStep = 0
        var summary: RunSummary?
        /// The stop settings, copied out of the configuration so a step retains no array.
        let divergenceFactor: Double, gradNormTolerance: Double
        let lossTarget: Double, hasLossTarget: Bool
        /// The pruning rule and the member's progress through it.
        let prune: PruneRule?
        var pruning = PruneProgress()
        /// Index into the group's distinct (schedule, base rate) pairs.
        let rate: Int
    }

    /// Runs every member to its stop; results in member order.
    func run(progressEvery: Int) -> [RunResult] {
        guard let first = members.first else { return [] }
        var summaries: [RunSummary?] = []
        let c = first.configuration
        let trajectories = TrajectoryColumns.fill(count: members.count, rows: c.columnRows(reportEvery: progressEvery),
                                                  dimension: objective.dimension, withParams: c.recordParams,
                                                  keep: c.keepsTrajectory) { columns in
            loop(columns, progressEvery: progressEvery, summaries: &summaries)
        }
        return trajectories.indices.map { i in
            RunResult(trajectory: trajectories[i],
                      summary: summaries[i] ?? RunSummary(cancelledBeforeStart: members[i].configuration.start))
        }
    }

    private func loop(_ columns: [TrajectoryColumns], progressEvery: Int, summaries: inout [RunSummary?]) -> [Int] {
        let m = members.count, n = objective.dimension, width = Lanes.scalarCount
        let blocks = (m + width - 1) / width
        let shared = members[0].configuration
        let steps = shared.steps, recordEvery = max(1, shared.recordEvery), recordParams = shared.recordParams
        let windowed = !shared.keepsTrajectory
        let reportEvery = max(1, progressEvery)
        // The distinct (schedule, base) pairs: each rate is computed once per step.
        var rates: [(schedule: LearningRateSchedule, base: Double)] = []
        let state = UnsafeMutablePointer<Member>.allocate(capacity: m)
        for (i, member) in members.enumerated() {
            let c = member.configuration
            let rate = rates.firstIndex { $0.schedule == c.schedule && $0.base.bitPattern == c.learningRate.bitPattern }
                ?? { rates.append((c.schedule, c.learningRate)); return rates.count - 1 }()
            (state + i).initialize(to: Member(divergenceFactor: c.divergenceFactor, gradNormTolerance: c.gradNormTolerance,
                                              lossTarget: c.lossTarget ?? -.infinity, hasLossTarget: c.lossTarget != nil, prune: c.prune,
                                              rate: rate))
        }
        let constantRates = rates.allSatisfy { $0.schedule == .constant }
        var rateValues = rates.map(\.base)
        var learningRates = [Lanes](repeating: Lanes(), count: blocks)
        func layRates() {
            for b in 0..<blocks {
                for k in 0..<width { learningRates[b][k] = rateValues[state[min(b * width + k, m - 1)].rate] }
            }
        }
        layRates()
        // θ and the gradient: block b's coordinate j at [b·n + j], one member per lane.
        let theta = UnsafeMutablePointer<Lanes>.allocate(capacity: blocks * n)
        let gradient = UnsafeMutablePointer<Lanes>.allocate(capacity: blocks * n)
        gradient.initialize(repeating: Lanes(), count: blocks * n)
        for b in 0..<blocks {
            for j in 0..<n {
                var lanes = Lanes()
                for k in 0..<width { lanes[k] = members[min(b * width + k, m - 1)].configuration.start[j] }
                theta[b * n + j] = lanes
            }
        }
        var rule = R(members.map(\.optimizer), blocks: blocks, dimension: n)
        var activeInBlock = (0..<blocks).map { min(width, m - $0 * width) }
        var active = m
        defer {
            rule.deallocate()
            theta.deallocate(); gradient.deallocate()
            summaries = (0..<m).map { state[$0].summary }
            state.deinitialize(count: m); state.deallocate()
        }

        /// Ends member `i` at step `t` for `stop`, as `ClosedFormLoop` ends a run.
        func finish(_ i: Int, _ stop: StopReason, at t: Int) {
            let (b, k) = (i / width, i % width)
            state[i].active = false
            active -= 1
            activeInBlock[b] -= 1
            let finalTheta = (0..<n).map { theta[b * n + $0][k] }
            var grad = [Double](repeating: 0, count: n)
            let trainingModeLoss: Double = finalTheta.withUnsafeBufferPointer { p in
                grad.withUnsafeMutableBufferPointer { g in
                    guard let p = p.baseAddress, let g = g.baseAddress else { return 0.0 }  // n ≥ 1: never taken
                    return objective.valueAndGradient(p, g)
                }
            }
            var squares = 0.0
            for j in 0..<n { squares += grad[j] * grad[j] }
            let buffers = objective.initialBuffers()
            let training = objective.evaluate(at: finalTheta, buffers: buffers, split: .training)
            let validation = objective.evaluate(at: finalTheta, buffers: buffers, split: .validation)
            let finalLoss = training?.loss ?? trainingModeLoss
            let c = members[i].configuration
            state[i].rows = columns[i].finish(
                rows: state[i].rows, step: t, epoch: 0, lr: c.schedule.learningRate(at: t, base: c.learningRate),
                loss: finalLoss, gradNorm: squares.squareRoot(), params: finalTheta, recordParams: recordParams,
                reportedRows: state[i].reportedRows, epochs: [], reportedEpochs: 0, onProgress: members[i].onProgress)
            let summary = RunSummary(finishing: stop, steps: t, finalLoss: finalLoss,
                                     best: (state[i].bestLoss, state[i].bestStep), bestBatch: nil, evaluationEvery: nil,
                                     params: finalTheta, gradNorm: squares.squareRoot(), training: training,
                                     validation: validation)
            state[i].summary = summary
            members[i].onFinish?(summary)
        }

        let controls = members.map(\.control)
        var untilRecord = 0, untilReport = reportEvery
        var t = 0
        while t < steps && active > 0 {
            for i in 0..<m where state[i].active && controls[i].isCancelled { finish(i, .cancelled, at: t) }
            if active == 0 { break }
            if !constantRates {
                for r in rates.indices { rateValues[r] = rates[r].schedule.learningRate(at: t, base: rates[r].base) }
                layRates()
            }
            rule.beginStep()
            let record = untilRecord == 0
            for b in 0..<blocks where activeInBlock[b] > 0 {
                let th = theta + b * n, g = gradient + b * n
                let loss = objective.valueAndGradient(lanes: UnsafePointer(th), g)
                var squares = Lanes()
                for j in 0..<n { squares = squares + g[j] * g[j] }
                let gradNorm = squares.squareRoot()
                let lr = learningRates[b]
                for k in 0..<width {
                    let i = b * width + k
                    guard i < m, state[i].active else { continue }
                    let (lossK, normK) = (loss[k], gradNorm[k])
                    if record {
                        columns[i].write(row: state[i].rows, step: t, lr: lr[k], loss: lossK, gradNorm: normK,
                                         lane: k, of: UnsafePointer(th), dimension: n, recordParams: recordParams)
                        state[i].rows += 1
                    }
                    if t == 0 { state[i].initialLoss = lossK }
                    if lossK < state[i].bestLoss { state[i].bestLoss = lossK; state[i].bestStep = t }
                    let initial = state[i].initialLoss
                    if !lossK.isFinite || !normK.isFinite || (initial != 0 && abs(lossK) > state[i].divergenceFactor * abs(initial)) {
                        finish(i, .diverged, at: t)
                    } else if state[i].gradNormTolerance > 0 && normK <= state[i].gradNormTolerance {
                        finish(i, .gradientTolerance, at: t)
                    } else if state[i].hasLossTarget && lossK <= state[i].lossTarget {
                        finish(i, .lossTarget, at: t)
                    } else if let rule = state[i].prune, rule.reports(atStep: t),
                              state[i].pruning.report(step: t, value: lossK, rule: rule) {
                        finish(i, .pruned, at: t)
                    }
                }
                rule.step(block: b, theta: th, gradient: UnsafePointer(g), learningRate: lr)
            }
            if record { untilRecord = recordEvery }
            untilRecord -= 1
            t += 1
            untilReport -= 1
            if untilReport == 0 {
                for i in 0..<m where state[i].active {
                    if let onProgress = members[i].onProgress {
                        (state[i].reportedRows, _) = columns[i].report(rows: state[i].reportedRows..<state[i].rows, epochs: [],
                                                                       from: 0, dimension: n, withParams: recordParams,
                                                                       stepsDone: t, to: onProgress)
                    }
                    if windowed {
                        state[i].rows = columns[i].rewind(rows: state[i].rows, dimension: n, withParams: recordParams)
                        state[i].reportedRows = state[i].rows
                    }
                }
                untilReport = reportEvery
            }
        }
        for i in 0..<m where state[i].active { finish(i, .budget, at: t) }
        return (0..<m).map { state[$0].rows }
    }
}
