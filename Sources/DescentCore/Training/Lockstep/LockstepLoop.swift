internal import CLaneMath

/// The loop of a lockstep group: members of one shape advance together, four per block of `Lanes`.
///
/// Per step: each member's cancel flag; the learning rates (each distinct schedule and base once); the rule's
/// shared values (`beginStep`); then block by block the kernel, the gradient norms, the rows, the best losses,
/// the stop checks and the update. A member that stops is finished at once, from its lane's θ, exactly as
/// `ClosedFormLoop` finishes a run, and its lane is ignored from then on (a block with no member left is skipped).
/// Every operation and check is `ClosedFormLoop`'s, lane by lane, so each member's trajectory and summary are
/// bit-identical to its run alone (`LockstepTests`).
///
/// The per-member work is done on whole blocks where it can be: the best loss and its step are kept by a vector
/// select, and one vector test (`descent_lanes_stop_candidates`) flags the lanes that may stop, so only those run
/// the scalar checks (which decide the stop and its reason). Rows are written lane by lane, with the lanes
/// constant when the whole block runs, and the running members share one row count.
struct LockstepLoop<K: LaneKernel, R: LockstepRule> {
    let objective: K
    let members: [LockstepMember]

    /// Bookkeeping of one member, read when it stops, reports or may stop.
    private struct Member {
        var active = true
        /// The member's row count once it has stopped (the running members share one count).
        var rows = 0
        var initialLoss = 0.0
        var summary: RunSummary?
        /// The stop settings, copied out of the configuration so a step retains no array.
        let divergenceFactor: Double, gradNormTolerance: Double
        let lossTarget: Double, hasLossTarget: Bool
        /// The member's progress through its pruning rule.
        var pruning = PruneProgress()
        /// Index into the group's distinct (schedule, base rate) pairs.
        let rate: Int
    }

    /// What a step reads and keeps of one block's four members, lane by lane.
    private struct Block {
        /// Bit k set while lane k's member runs.
        var running: Int
        /// The lowest loss so far and its step (a `Double`: exact for any step count below 2⁵³).
        var bestLoss = Lanes(repeating: .infinity), bestStep = Lanes()
        /// divergence factor · |initial loss| from step 0 on where the initial loss is not 0 and the product is at most
        /// the largest finite double; that double otherwise, so `!(|loss| <= divergence)` also flags every non-finite loss.
        var divergence = Lanes(repeating: .greatestFiniteMagnitude)
        /// The gradient-norm tolerance where positive, else −∞ (never flags).
        let tolerance: Lanes
        /// The loss target where set, else −∞ (flags only a loss of −∞, which is non-finite anyway).
        let target: Lanes
    }

    /// Where one member's rows go: the columns' pointers without the names array `TrajectoryColumns` carries, so
    /// reading them retains nothing.
    private struct Rows {
        let step: UnsafeMutablePointer<Int>, epoch: UnsafeMutablePointer<Int>
        let lr: UnsafeMutablePointer<Double>, loss: UnsafeMutablePointer<Double>, gradNorm: UnsafeMutablePointer<Double>
        let params: UnsafeMutablePointer<Double>
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
                                              lossTarget: c.lossTarget ?? -.infinity, hasLossTarget: c.lossTarget != nil,
                                              rate: rate))
        }
        let prunes = members.map(\.configuration.prune)
        // The distinct report intervals of the pruning rules: a step where none reports checks no rule.
        let pruneIntervals = Array(Set(prunes.compactMap { $0?.every })).sorted()
        let constantRates = rates.allSatisfy { $0.schedule == .constant }
        var rateValues = rates.map(\.base)
        let learningRates = UnsafeMutablePointer<Lanes>.allocate(capacity: blocks)
        learningRates.initialize(repeating: Lanes(), count: blocks)
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
        // The lanes' stop settings and best losses, block by block.
        let lanes = UnsafeMutablePointer<Block>.allocate(capacity: blocks)
        for b in 0..<blocks {
            var tolerance = Lanes(repeating: -.infinity), target = Lanes(repeating: -.infinity)
            for k in 0..<width {
                let c = members[min(b * width + k, m - 1)].configuration
                if c.gradNormTolerance > 0 { tolerance[k] = c.gradNormTolerance }
                if let lossTarget = c.lossTarget { target[k] = lossTarget }
            }
            (lanes + b).initialize(to: Block(running: (1 << min(width, m - b * width)) - 1, tolerance: tolerance, target: target))
        }
        let rowColumns = UnsafeMutablePointer<Rows>.allocate(capacity: m)
        for i in 0..<m {
            let c = columns[i]
            (rowColumns + i).initialize(to: Rows(step: c.step, epoch: c.epoch, lr: c.lr, loss: c.loss, gradNorm: c.gradNorm,
                                                 params: c.params))
        }
        let controls = UnsafeMutablePointer<RunControl>.allocate(capacity: m)
        controls.initialize(from: members.map(\.control), count: m)
        var rule = R(members.map(\.optimizer), blocks: blocks, dimension: n)
        var active = m
        defer {
            rule.deallocate()
            theta.deallocate(); gradient.deallocate(); learningRates.deallocate(); lanes.deallocate(); rowColumns.deallocate()
            controls.deinitialize(count: m); controls.deallocate()
            summaries = (0..<m).map { state[$0].summary }
            state.deinitialize(count: m); state.deallocate()
        }

        /// Ends member `i` at step `t` for `stop` with `rows` rows recorded, as `ClosedFormLoop` ends a run.
        func finish(_ i: Int, _ stop: StopReason, at t: Int, rows: Int, reportedRows: Int) {
            let (b, k) = (i / width, i % width)
            state[i].active = false
            active -= 1
            lanes[b].running &= ~(1 << k)
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
                rows: rows, step: t, epoch: 0, lr: c.schedule.learningRate(at: t, base: c.learningRate),
                loss: finalLoss, gradNorm: squares.squareRoot(), params: finalTheta, recordParams: recordParams,
                reportedRows: reportedRows, epochs: [], reportedEpochs: 0, onProgress: members[i].onProgress)
            let best = (loss: lanes[b].bestLoss[k], step: Int(lanes[b].bestStep[k]))
            let summary = RunSummary(finishing: stop, steps: t, finalLoss: finalLoss, best: best, bestBatch: nil,
                                     evaluationEvery: nil, params: finalTheta, gradNorm: squares.squareRoot(),
                                     training: training, validation: validation)
            state[i].summary = summary
            members[i].onFinish?(summary)
        }

        // Every running member has recorded the same rows (they record at the same steps and are rewound together),
        // so one count serves them all; a member that stops keeps its own in `state[i].rows`.
        var rows = 0, reportedRows = 0
        var untilRecord = 0, untilReport = reportEvery
        var t = 0
        while t < steps && active > 0 {
            for i in 0..<m where state[i].active && controls[i].isCancelled {
                finish(i, .cancelled, at: t, rows: rows, reportedRows: reportedRows)
            }
            if active == 0 { break }
            if !constantRates {
                for r in rates.indices { rateValues[r] = rates[r].schedule.learningRate(at: t, base: rates[r].base) }
                layRates()
            }
            rule.beginStep()
            let record = untilRecord == 0
            let rowsAfter = record ? rows + 1 : rows
            let stepLanes = Lanes(repeating: Double(t))
            let pruneStep = t > 0 && pruneIntervals.contains { t % $0 == 0 }
            for b in 0..<blocks {
                let running = lanes[b].running
                if running == 0 { continue }
                let th = theta + b * n, g = gradient + b * n
                let loss = objective.valueAndGradient(lanes: UnsafePointer(th), g)
                var squares = Lanes()
                for j in 0..<n { squares = squares + g[j] * g[j] }
                let gradNorm = squares.squareRoot()
                let lr = learningRates[b]
                if record {
                    let out = rowColumns + b * width
                    // All four lanes running (the usual case): constant lanes, so each value leaves its register directly.
                    if running == 0b1111 {
                        Self.write(out[0], row: rows, step: t, lane: 0, lr: lr, loss: loss, gradNorm: gradNorm, theta: th,
                                   dimension: n, recordParams: recordParams)
                        Self.write(out[1], row: rows, step: t, lane: 1, lr: lr, loss: loss, gradNorm: gradNorm, theta: th,
                                   dimension: n, recordParams: recordParams)
                        Self.write(out[2], row: rows, step: t, lane: 2, lr: lr, loss: loss, gradNorm: gradNorm, theta: th,
                                   dimension: n, recordParams: recordParams)
                        Self.write(out[3], row: rows, step: t, lane: 3, lr: lr, loss: loss, gradNorm: gradNorm, theta: th,
                                   dimension: n, recordParams: recordParams)
                    } else {
                        for k in 0..<width where running & (1 << k) != 0 {
                            Self.write(out[k], row: rows, step: t, lane: k, lr: lr, loss: loss, gradNorm: gradNorm, theta: th,
                                       dimension: n, recordParams: recordParams)
                        }
                    }
                }
                if t == 0 {
                    // The divergence threshold factor·|initial loss|, exactly as the scalar check computes it each step.
                    for k in 0..<width where running & (1 << k) != 0 {
                        let i = b * width + k
                        state[i].initialLoss = loss[k]
                        let threshold = state[i].divergenceFactor * abs(loss[k])
                        if loss[k] != 0 && threshold <= .greatestFiniteMagnitude { lanes[b].divergence[k] = threshold }
                    }
                }
                let best = lanes[b].bestLoss
                lanes[b].bestStep = descent_lanes_where_lower(loss, best, stepLanes, lanes[b].bestStep)
                lanes[b].bestLoss = descent_lanes_where_lower(loss, best, loss, best)
                // One vector test flags the lanes that may stop; only those take the scalar checks.
                var candidates = Int(descent_lanes_stop_candidates(loss, gradNorm, lanes[b].divergence, lanes[b].tolerance,
                                                                   lanes[b].target)) & running
                if pruneStep { candidates = running }
                while candidates != 0 {
                    let k = candidates.trailingZeroBitCount
                    candidates &= candidates - 1
                    let i = b * width + k
                    let (lossK, normK) = (loss[k], gradNorm[k])
                    let initial = state[i].initialLoss
                    let stop: StopReason
                    if !lossK.isFinite || !normK.isFinite || (initial != 0 && abs(lossK) > state[i].divergenceFactor * abs(initial)) {
                        stop = .diverged
                    } else if state[i].gradNormTolerance > 0 && normK <= state[i].gradNormTolerance {
                        stop = .gradientTolerance
                    } else if state[i].hasLossTarget && lossK <= state[i].lossTarget {
                        stop = .lossTarget
                    } else if let prune = prunes[i], prune.reports(atStep: t), state[i].pruning.report(step: t, value: lossK, rule: prune) {
                        stop = .pruned
                    } else {
                        continue
                    }
                    finish(i, stop, at: t, rows: rowsAfter, reportedRows: reportedRows)
                }
                rule.step(block: b, theta: th, gradient: UnsafePointer(g), learningRate: lr)
            }
            rows = rowsAfter
            if record { untilRecord = recordEvery }
            untilRecord -= 1
            t += 1
            untilReport -= 1
            if untilReport == 0 {
                var reported = reportedRows
                for i in 0..<m where state[i].active {
                    if let onProgress = members[i].onProgress {
                        (reported, _) = columns[i].report(rows: reportedRows..<rows, epochs: [], from: 0, dimension: n,
                                                          withParams: recordParams, stepsDone: t, to: onProgress)
                    }
                }
                reportedRows = reported
                if windowed {
                    var kept = rows
                    for i in 0..<m where state[i].active {
                        kept = columns[i].rewind(rows: rows, dimension: n, withParams: recordParams)
                    }
                    rows = kept
                    reportedRows = kept
                }
                untilReport = reportEvery
            }
        }
        for i in 0..<m where state[i].active { finish(i, .budget, at: t, rows: rows, reportedRows: reportedRows) }
        return (0..<m).map { state[$0].rows }
    }

    /// Writes lane `k`'s row (its step, rate, loss, gradient norm and, when `recordParams`, θ) into `out` at `row`.
    @inline(__always)
    private static func write(_ out: Rows, row: Int, step t: Int, lane k: Int, lr: Lanes, loss: Lanes, gradNorm: Lanes,
                              theta: UnsafeMutablePointer<Lanes>, dimension n: Int, recordParams: Bool) {
        out.step[row] = t; out.epoch[row] = 0; out.lr[row] = lr[k]; out.loss[row] = loss[k]; out.gradNorm[row] = gradNorm[k]
        if recordParams {
            let params = out.params + row * n
            for j in 0..<n { params[j] = theta[j][k] }
        }
    }
}
