/// Raw write positions of a trajectory's columns while a run fills them.
///
/// The columns are arrays created with `Array(unsafeUninitializedCapacity:)` for the largest
/// possible row count, so recording a row is six stores with no capacity or uniqueness checks.
struct TrajectoryColumns {
    let step: UnsafeMutablePointer<Int>
    let epoch: UnsafeMutablePointer<Int>
    let lr: UnsafeMutablePointer<Double>
    let loss: UnsafeMutablePointer<Double>
    let gradNorm: UnsafeMutablePointer<Double>
    /// Parameters, `dimension` per row (room for one value when not recorded).
    let params: UnsafeMutablePointer<Double>
    /// Optimizer internals, `internalNames.count` per row (when not recorded, the params pointer, never written through).
    let internals: UnsafeMutablePointer<Double>
    /// The internals' column names (`OptimizerInternals`; empty when not recorded).
    let internalNames: [String]

    /// Where row `row`'s internals go.
    @inline(__always)
    func internals(row: Int) -> UnsafeMutablePointer<Double> { internals + row * internalNames.count }

    /// Whether `finish` will add a row for the final point at step `t` (its internals are written first).
    func needsFinalRow(rows: Int, step t: Int) -> Bool { rows == 0 || step[rows - 1] != t }

    /// Writes one row (and θ when `recordParams`).
    @inline(__always)
    func write(row: Int, step t: Int, epoch e: Int, lr rate: Double, loss value: Double, gradNorm norm: Double,
               params theta: [Double], recordParams: Bool) {
        step[row] = t; epoch[row] = e; lr[row] = rate; loss[row] = value; gradNorm[row] = norm
        if recordParams {
            let n = theta.count
            for i in 0..<n { params[row * n + i] = theta[i] }
        }
    }

    /// Writes one row with θ read from raw storage of `dimension` values (and stored when `recordParams`).
    @inline(__always)
    func write(row: Int, step t: Int, epoch e: Int, lr rate: Double, loss value: Double, gradNorm norm: Double,
               params theta: UnsafePointer<Double>, dimension n: Int, recordParams: Bool) {
        step[row] = t; epoch[row] = e; lr[row] = rate; loss[row] = value; gradNorm[row] = norm
        if recordParams {
            let out = params + row * n
            for i in 0..<n { out[i] = theta[i] }
        }
    }

    /// Sends rows `rows`, epoch records from `from` and the sharpness records `sharpness` (those not yet sent)
    /// to `onProgress`; returns the new report marks.
    func report(rows: Range<Int>, epochs: [EpochRecord], from: Int, sharpness: ArraySlice<SharpnessRecord> = [],
                layerStats: ArraySlice<LayerStatsRecord> = [],
                dimension: Int, withParams: Bool, stepsDone: Int,
                to onProgress: (TrajectoryChunk) -> Void) -> (rows: Int, epochs: Int) {
        var chunk = self.rows(rows.lowerBound, rows.upperBound, dimension: dimension, withParams: withParams)
        chunk.epochs = Array(epochs[from...])
        chunk.sharpness = Array(sharpness)
        chunk.layerStats = Array(layerStats)
        onProgress(TrajectoryChunk(records: chunk, stepsDone: stepsDone))
        return (rows.upperBound, epochs.count)
    }

    /// Ends a run: records the final point unless its step is already the last row, then sends the
    /// last progress report. Returns the row count.
    func finish(rows: Int, step t: Int, epoch e: Int, lr rate: Double, loss value: Double, gradNorm norm: Double,
                params theta: [Double], recordParams: Bool, reportedRows: Int, epochs: [EpochRecord], reportedEpochs: Int,
                sharpness: ArraySlice<SharpnessRecord> = [], layerStats: ArraySlice<LayerStatsRecord> = [],
                onProgress: ((TrajectoryChunk) -> Void)?) -> Int {
        var rows = rows
        if needsFinalRow(rows: rows, step: t) {
            write(row: rows, step: t, epoch: e, lr: rate, loss: value, gradNorm: norm, params: theta, recordParams: recordParams)
            rows += 1
        }
        if let onProgress {
            _ = report(rows: reportedRows..<rows, epochs: epochs, from: reportedEpochs, sharpness: sharpness, layerStats: layerStats,
                       dimension: theta.count,
                       withParams: recordParams, stepsDone: t, to: onProgress)
        }
        return rows
    }

    /// Windowed recording (`TrainingConfiguration.keepsTrajectory` false), after every row up to `rows` has been
    /// reported: moves the last row to the front so the next rows overwrite the reported ones, and returns the
    /// new row count (1, or 0 when nothing was recorded). The kept row is what `finish` compares the final step
    /// with; it has been reported already, so it is never reported again.
    func rewind(rows: Int, dimension n: Int, withParams: Bool) -> Int {
        guard rows > 0 else { return 0 }
        let last = rows - 1
        step[0] = step[last]; epoch[0] = epoch[last]; lr[0] = lr[last]; loss[0] = loss[last]; gradNorm[0] = gradNorm[last]
        if withParams { for i in 0..<n { params[i] = params[last * n + i] } }
        let k = internalNames.count
        for j in 0..<k { internals[j] = internals[last * k + j] }
        return 1
    }

    /// Rows `from..<to` copied into a standalone trajectory (for progress reports).
    func rows(_ from: Int, _ to: Int, dimension: Int, withParams: Bool) -> Trajectory {
        var part = Trajectory(dimension: dimension)
        let k = to - from
        part.step = Array(UnsafeBufferPointer(start: step + from, count: k))
        part.epoch = Array(UnsafeBufferPointer(start: epoch + from, count: k))
        part.lr = Array(UnsafeBufferPointer(start: lr + from, count: k))
        part.loss = Array(UnsafeBufferPointer(start: loss + from, count: k))
        part.gradNorm = Array(UnsafeBufferPointer(start: gradNorm + from, count: k))
        if withParams { part.params = Array(UnsafeBufferPointer(start: params + from * dimension, count: k * dimension)) }
        if !internalNames.isEmpty {
            part.internalNames = internalNames
            part.internals = Array(UnsafeBufferPointer(start: internals + from * internalNames.count, count: k * internalNames.count))
        }
        return part
    }

    /// Allocates the columns for at most `rows` rows, lets `body` fill them and return the row
    /// count, and returns the filled trajectory (params empty unless `withParams`; empty when not `keep`,
    /// for windowed recording), with the internal columns `internalNames` (none by default).
    static func fill(rows: Int, dimension: Int, withParams: Bool, keep: Bool = true, internalNames: [String] = [],
                     _ body: (TrajectoryColumns) -> Int) -> Trajectory {
        var trajectory = Trajectory(dimension: dimension)
        var filled = 0
        let paramCapacity = withParams ? max(1, rows * dimension) : 1
        var step: [Int] = [], epoch: [Int] = [], lr: [Double] = [], loss: [Double] = [], gradNorm: [Double] = []
        var params: [Double] = [], internals: [Double] = []
        step = Array(unsafeUninitializedCapacity: max(1, rows)) { s, sCount in
            epoch = Array(unsafeUninitializedCapacity: max(1, rows)) { e, eCount in
                lr = Array(unsafeUninitializedCapacity: max(1, rows)) { l, lCount in
                    loss = Array(unsafeUninitializedCapacity: max(1, rows)) { f, fCount in
                        gradNorm = Array(unsafeUninitializedCapacity: max(1, rows)) { g, gCount in
                            params = Array(unsafeUninitializedCapacity: paramCapacity) { p, pCount in
                                guard let sb = s.baseAddress, let eb = e.baseAddress, let lb = l.baseAddress,
                                      let fb = f.baseAddress, let gb = g.baseAddress, let pb = p.baseAddress else { return }
                                func run(_ qb: UnsafeMutablePointer<Double>) {
                                    filled = body(TrajectoryColumns(step: sb, epoch: eb, lr: lb, loss: fb, gradNorm: gb, params: pb,
                                                                    internals: qb, internalNames: internalNames))
                                    if !keep { filled = 0 }
                                }
                                if internalNames.isEmpty {
                                    run(pb)  // no internal column is written: no allocation for runs without them
                                } else {
                                    internals = Array(unsafeUninitializedCapacity: max(1, rows * internalNames.count)) { q, qCount in
                                        guard let qb = q.baseAddress else { return }
                                        run(qb)
                                        qCount = filled * internalNames.count
                                    }
                                }
                                pCount = withParams ? filled * dimension : 0
                            }
                            gCount = filled
                        }
                        fCount = filled
                    }
                    lCount = filled
                }
                eCount = filled
            }
            sCount = filled
        }
        trajectory.step = step; trajectory.epoch = epoch; trajectory.lr = lr; trajectory.loss = loss
        trajectory.gradNorm = gradNorm; trajectory.params = params
        if !internalNames.isEmpty { trajectory.internalNames = internalNames; trajectory.internals = internals }
        return trajectory
    }
}
