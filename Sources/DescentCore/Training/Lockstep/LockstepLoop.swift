import Synchronization
internal import CLaneMath

/// The loop of a lockstep group: members of one shape advance together, four per block of `Lanes`.
///
/// Per step: the members' cancel flags (when the process-wide count of cancellations has moved); the learning rates (each distinct schedule and base once); the rule's
/// shared values (`beginStep`); then block by block the kernel, the gradient norms, the rows, the best losses and
/// the stop checks; then the update of all blocks that still run (`stepBlocks`, one call where the rule has a
/// kernel for the whole group). A member that stops is finished at once, from its lane's θ, exactly as
/// `ClosedFormLoop` finishes a run, and its lane is ignored from then on (a block with no member left is skipped).
/// Every operation and check is `ClosedFormLoop`'s, lane by lane, so each member's trajectory and summary are
/// bit-identical to its run alone (`LockstepTests`).
///
/// The per-member work is done on whole blocks where it can be: the best loss and its step are kept by a vector
/// select, and one vector test (`descent_lanes_stop_candidates`) flags the lanes that may stop, so only those run
/// the scalar checks (which decide the stop and its reason). Rows are staged block by block as the lanes hold them
/// (a tile of 64 recorded steps, or a windowed group's whole report interval) and moved into the members' columns a
/// column at a time, or straight into a windowed group's reports; the running members share one row count.
struct LockstepLoop<K: LaneKernel, R: LockstepRule> {
    let objective: K
    let members: [LockstepMember]
    /// Most bytes a windowed group stages to hold a whole report interval's rows (`reportStaged`).
    let maxStagedBytes: Int

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

    /// Makes `column` `count` values long and copies them from `source` (zeros when nil), reusing its storage when no
    /// one else holds it.
    private static func fill<T: Numeric>(_ column: inout [T], from source: UnsafePointer<T>?, count: Int) {
        if column.count > count { column.removeLast(column.count - count) }
        if column.count < count { column.append(contentsOf: repeatElement(0, count: count - column.count)) }
        guard let source, count > 0 else { return }
        column.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: source, count: count) }
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
        let columnRows = shared.columnRows(reportEvery: progressEvery)
        for i in 0..<m {
            let c = columns[i]
            c.epoch.update(repeating: 0, count: columnRows)
            (rowColumns + i).initialize(to: Rows(step: c.step, epoch: c.epoch, lr: c.lr, loss: c.loss, gradNorm: c.gradNorm,
                                                 params: c.params))
        }
        // Whether block b takes this step's update (some member of it still runs).
        let stepping = UnsafeMutablePointer<UInt8>.allocate(capacity: blocks)
        stepping.initialize(repeating: 0, count: blocks)
        // This step's loss and gradient norm per block.
        let losses = UnsafeMutablePointer<Lanes>.allocate(capacity: blocks), norms = UnsafeMutablePointer<Lanes>.allocate(capacity: blocks)
        losses.initialize(repeating: Lanes(), count: blocks); norms.initialize(repeating: Lanes(), count: blocks)
        let controls = UnsafeMutablePointer<RunControl>.allocate(capacity: m)
        controls.initialize(from: members.map(\.control), count: m)
        var rule = R(members.map(\.optimizer), blocks: blocks, dimension: n)
        var active = m
        defer {
            rule.deallocate()
            theta.deallocate(); gradient.deallocate(); learningRates.deallocate(); lanes.deallocate(); rowColumns.deallocate()
            stepping.deallocate(); losses.deallocate(); norms.deallocate()
            controls.deinitialize(count: m); controls.deallocate()
            summaries = (0..<m).map { state[$0].summary }
            state.deinitialize(count: m); state.deallocate()
        }

        // Rows are staged in tiles of `tile` steps, block by block as the lanes hold them: per staged row and block the
        // rate, loss, gradient norm and θ's coordinates, one `Lanes` each (a few vector stores per block, all into one
        // small buffer that stays in cache). A flush moves a tile's rows into each member's columns, one column at a
        // time, before anything reads them (a report, a member's finish) and when the tile is full. Writing each
        // lane's values straight into its member's columns instead touched 5 + n streams per member every step.
        // At most the columns' own rows: a sparse recording's window may hold fewer than 64, and no more are staged
        // between two reports.
        //
        // A windowed group (the service's runs) stages a whole report interval instead, when that takes at most
        // `maxStagedBytes`: its reports are then built straight from the staged rows (`reportStaged`), and only a member
        // that stops between reports passes through its columns. Why: flushing 64-row tiles into 32 members' windows
        // (14 MB, past the core's cache) and copying each window out again at the report was a sixth of a worker's
        // time on a study recording every step, more than the steps themselves (BENCHMARKS.md).
        let fields = 3 + (recordParams ? n : 0)
        let stagesInterval = windowed && columnRows * blocks * fields * MemoryLayout<Lanes>.stride <= maxStagedBytes
        let tile = stagesInterval ? columnRows : max(1, min(64, columnRows))
        let staged = UnsafeMutablePointer<Lanes>.allocate(capacity: tile * blocks * fields)
        // Staged row r of block b starts at staged[r · rowStride + b · blockStride]: row by row in a tile (one small
        // buffer written in order), block by block for a whole interval (each block's rows read back in order:
        // rows of all blocks interleaved put each of a block's rows on other pages, and every one was a cache miss).
        let (rowStride, blockStride) = stagesInterval ? (fields, tile * fields) : (blocks * fields, fields)
        let stagedSteps = UnsafeMutablePointer<Int>.allocate(capacity: tile)
        /// The column row of staged row 0.
        var stagedFrom = 0
        /// A block's lanes' rows taken out of `staged` (`reportStaged`), and the report handed to each member.
        let lanesOut = UnsafeMutablePointer<Double>.allocate(capacity: stagesInterval ? width * fields * tile : 0)
        var report = Trajectory(dimension: n)
        defer { staged.deallocate(); stagedSteps.deallocate(); lanesOut.deallocate() }
        /// Moves member `i`'s staged rows up to column row `end` into its columns.
        func flush(_ i: Int, to end: Int) {
            let (b, k) = (i / width, i % width)
            let out = rowColumns[i]
            for r in 0..<(end - stagedFrom) { out.step[stagedFrom + r] = stagedSteps[r] }
            /// Field `f`'s lane k of the staged rows into `column` (its row r at `column[r · stride]`).
            func copy(field f: Int, to column: UnsafeMutablePointer<Double>, stride: Int) {
                var source = staged + b * blockStride + f
                for r in stagedFrom..<end {
                    column[r * stride] = source.pointee[k]
                    source += rowStride
                }
            }
            copy(field: 0, to: out.lr, stride: 1)
            copy(field: 1, to: out.loss, stride: 1)
            copy(field: 2, to: out.gradNorm, stride: 1)
            if recordParams { for j in 0..<n { copy(field: 3 + j, to: out.params + j, stride: n) } }
        }
        /// Moves every running member's staged rows into its columns and empties the tile: a block whose four members
        /// all run by one vector load per staged value, the others member by member.
        func flushAll(to end: Int) {
            for b in 0..<blocks {
                guard lanes[b].running == 0b1111 else {
                    for i in b * width..<min(m, (b + 1) * width) where state[i].active { flush(i, to: end) }
                    continue
                }
                let out = rowColumns + b * width
                for r in 0..<(end - stagedFrom) {
                    let t = stagedSteps[r]
                    out[0].step[stagedFrom + r] = t; out[1].step[stagedFrom + r] = t
                    out[2].step[stagedFrom + r] = t; out[3].step[stagedFrom + r] = t
                }
                /// Field `f` of the staged rows into each lane's column (its row r at `column[r · stride]`).
                func copy(field f: Int, _ column: (Rows) -> UnsafeMutablePointer<Double>, offset: Int, stride: Int) {
                    let (c0, c1, c2, c3) = (column(out[0]) + offset, column(out[1]) + offset, column(out[2]) + offset,
                                            column(out[3]) + offset)
                    var source = staged + b * blockStride + f
                    for r in stagedFrom..<end {
                        let v = source.pointee
                        c0[r * stride] = v[0]; c1[r * stride] = v[1]; c2[r * stride] = v[2]; c3[r * stride] = v[3]
                        source += rowStride
                    }
                }
                copy(field: 0, \.lr, offset: 0, stride: 1)
                copy(field: 1, \.loss, offset: 0, stride: 1)
                copy(field: 2, \.gradNorm, offset: 0, stride: 1)
                if recordParams { for j in 0..<n { copy(field: 3 + j, \.params, offset: j, stride: n) } }
            }
            stagedFrom = end
        }

        /// The report of every running member when a windowed group staged all its unreported rows: block by block, the
        /// staged rows are read once, row by row, into `lanesOut` (each lane's columns), then copied into `report`, one
        /// member after the other (both stay in the core's cache; `report`'s arrays are reused while no receiver keeps
        /// them). Each member's last row goes into its columns' row 0 (what `rewind` keeps), and the window starts
        /// again after it.
        func reportStaged(stepsDone: Int) {
            let from = reportedRows - stagedFrom, count = rows - reportedRows
            let laneStride = fields * tile
            for b in 0..<blocks {
                let block = b * width..<min(m, (b + 1) * width)
                guard block.contains(where: { state[$0].active }) else { continue }
                if block.contains(where: { state[$0].active && members[$0].onProgress != nil }) {
                    // Lane k's lr, loss and gradient norm at lanesOut[k · laneStride + f · tile + r], its θ row r at
                    // [k · laneStride + 3 · tile + r · n + j].
                    var source = staged + from * rowStride + b * blockStride
                    for r in 0..<count {
                        for k in 0..<width {
                            let out = lanesOut + k * laneStride
                            out[r] = source[0][k]; out[tile + r] = source[1][k]; out[2 * tile + r] = source[2][k]
                            if recordParams { for j in 0..<n { out[3 * tile + r * n + j] = source[3 + j][k] } }
                        }
                        source += rowStride
                    }
                }
                for i in block where state[i].active {
                    let k = i % width
                    if let onProgress = members[i].onProgress {
                        let lane = lanesOut + k * laneStride
                        Self.fill(&report.step, from: stagedSteps + from, count: count)
                        Self.fill(&report.epoch, from: nil, count: count)
                        Self.fill(&report.lr, from: lane, count: count)
                        Self.fill(&report.loss, from: lane + tile, count: count)
                        Self.fill(&report.gradNorm, from: lane + 2 * tile, count: count)
                        Self.fill(&report.params, from: lane + 3 * tile, count: recordParams ? count * n : 0)
                        onProgress(TrajectoryChunk(records: report, stepsDone: stepsDone))
                    }
                    if rows > stagedFrom {
                        let last = staged + (rows - 1 - stagedFrom) * rowStride + b * blockStride, out = rowColumns[i]
                        out.step[0] = stagedSteps[rows - 1 - stagedFrom]; out.epoch[0] = 0
                        out.lr[0] = last[0][k]; out.loss[0] = last[1][k]; out.gradNorm[0] = last[2][k]
                        if recordParams { for j in 0..<n { out.params[j] = last[3 + j][k] } }
                    } else {
                        _ = columns[i].rewind(rows: rows, dimension: n, withParams: recordParams)
                    }
                }
            }
            let kept = rows > 0 ? 1 : 0
            rows = kept; reportedRows = kept; stagedFrom = kept
        }

        /// Ends member `i` at step `t` for `stop` with `rows` rows recorded, as `ClosedFormLoop` ends a run.
        func finish(_ i: Int, _ stop: StopReason, at t: Int, rows: Int, reportedRows: Int) {
            flush(i, to: rows)
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
        // A count no load returns, so the first step looks at every member's flag (one may be cancelled already).
        var seenCancellations = -1
        let haveAVX = descent_lanes_avx_available() != 0
        while t < steps && active > 0 {
            // The members' flags only when some run anywhere was cancelled since the last look (one load per step
            // instead of one per member: the flags' cache lines are cold while the rows stream out).
            let cancellations = RunControl.cancellations.load(ordering: .acquiring)
            if cancellations != seenCancellations {
                seenCancellations = cancellations
                for i in 0..<m where state[i].active && controls[i].isCancelled {
                    finish(i, .cancelled, at: t, rows: rows, reportedRows: reportedRows)
                }
            }
            if active == 0 { break }
            if !constantRates {
                for r in rates.indices { rateValues[r] = rates[r].schedule.learningRate(at: t, base: rates[r].base) }
                layRates()
            }
            rule.beginStep()
            let record = untilRecord == 0
            if record {
                if rows - stagedFrom == tile { flushAll(to: rows) }
                stagedSteps[rows - stagedFrom] = t
            }
            let rowsAfter = record ? rows + 1 : rows
            let stepLanes = Lanes(repeating: Double(t))
            let pruneStep = t > 0 && pruneIntervals.contains { t % $0 == 0 }
            // The losses and gradients of all blocks first: independent work, so the blocks' long operations (√)
            // overlap where one block's checks would wait on them.
            for b in 0..<blocks {
                stepping[b] = lanes[b].running != 0 ? 1 : 0
                if stepping[b] != 0 { losses[b] = objective.valueAndGradient(lanes: UnsafePointer(theta + b * n), gradient + b * n) }
            }
            if haveAVX {
                descent_lanes_gradient_norms(blocks, n, UnsafeRawPointer(gradient).assumingMemoryBound(to: Double.self),
                                             stepping, UnsafeMutableRawPointer(norms).assumingMemoryBound(to: Double.self))
            } else {
                for b in 0..<blocks where stepping[b] != 0 {
                    let g = gradient + b * n
                    var squares = Lanes()
                    for j in 0..<n { squares = squares + g[j] * g[j] }
                    norms[b] = squares.squareRoot()
                }
            }
            for b in 0..<blocks {
                let running = lanes[b].running
                if running == 0 { continue }  // `stepping[b]` is 0 since the gradient phase
                let th = theta + b * n
                let loss = losses[b], gradNorm = norms[b]
                let lr = learningRates[b]
                if record {
                    let out = staged + (rows - stagedFrom) * rowStride + b * blockStride
                    out[0] = lr; out[1] = loss; out[2] = gradNorm
                    if recordParams { for j in 0..<n { out[3 + j] = th[j] } }
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
                stepping[b] = lanes[b].running != 0 ? 1 : 0
            }
            // The update of every block after all of them are checked (blocks are independent, and a member that
            // stops is finished from its θ before the update, as before): one call where the rule has a kernel.
            rule.stepBlocks(theta: theta, gradient: UnsafePointer(gradient), learningRates: UnsafePointer(learningRates),
                            running: UnsafePointer(stepping), blocks: blocks, dimension: n)
            rows = rowsAfter
            if record { untilRecord = recordEvery }
            untilRecord -= 1
            t += 1
            untilReport -= 1
            if untilReport == 0 && stagesInterval && stagedFrom <= reportedRows {
                reportStaged(stepsDone: t)
                untilReport = reportEvery
            } else if untilReport == 0 {
                flushAll(to: rows)
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
                    stagedFrom = kept
                }
                untilReport = reportEvery
            }
        }
        for i in 0..<m where state[i].active { finish(i, .budget, at: t, rows: rows, reportedRows: reportedRows) }
        return (0..<m).map { state[$0].rows }
    }
}
