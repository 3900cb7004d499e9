import DescentCore

/// Per-bucket summaries of a chunk's rows at several resolutions (a pyramid), written while the run
/// records, so that `max_points` views, plots and sparklines read a number of summaries proportional to
/// the points they return instead of decoding the run.
///
/// Level `L` cuts the chunk into buckets of `256 · 4^L` rows (the last one may be shorter); the coarsest
/// level has one bucket for the whole chunk. A bucket keeps four whole rows, the M4 choice of a line
/// chart (Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014): its
/// first and last rows and the rows of its smallest and largest loss (NaN counts as largest), so a
/// curve drawn through them has the same extremes as one drawn through every row; and per column
/// (lr, loss, grad norm) the minimum, maximum (both ignoring NaN) and sum. Parameters are kept in the four
/// rows when the model has at most `maxDimension` of them; larger models keep none in summaries (a view
/// asking for them reads the chunks). Chunks of at most `minRows` rows get no summaries: reading them
/// whole is as cheap.
enum TrajectorySummary {
    /// Rows per bucket at level 0.
    static let baseBucketRows = 256
    /// Each level's buckets are this many times longer than the previous level's.
    static let levelFactor = 4
    /// Chunks with at most this many rows are not summarised.
    static let minRows = 1024
    /// Largest dimension whose parameters are kept in summary rows.
    static let maxDimension = 64

    /// Rows per bucket at `level`.
    static func bucketRows(level: Int) -> Int {
        var n = baseBucketRows
        for _ in 0..<level { n *= levelFactor }
        return n
    }

    /// One bucket: its row count, its four representative rows as indices into a row pool (a chunk's rows
    /// when writing, a `Pool` when reading), and column statistics.
    struct Bucket: Sendable, Equatable {
        var rows: Int
        /// Pool rows of the first, last, lowest-loss and highest-loss row.
        var first: Int, last: Int, lowest: Int, highest: Int
        var lrMin: Double, lrMax: Double, lrSum: Double
        var lossMin: Double, lossMax: Double, lossSum: Double
        var gradMin: Double, gradMax: Double, gradSum: Double

        /// Loss ordering with NaN above +∞, so NaN and +∞ losses count as extremes.
        @inline(__always) static func key(_ v: Double) -> Double { v.isNaN ? .infinity : v }

        /// Whether loss `a` is a strictly larger extreme than `b` (NaN above +∞ above everything).
        @inline(__always) static func higher(_ a: Double, than b: Double) -> Bool { key(a) > key(b) || (a.isNaN && !b.isNaN) }

        /// The bucket summarising rows `range` of `t` (indices into `t`).
        init(_ t: Trajectory, rows range: Range<Int>) {
            rows = range.count
            first = range.lowerBound; last = range.upperBound - 1
            var lowest = range.lowerBound, highest = range.lowerBound
            var lrMin = Double.nan, lrMax = Double.nan, lrSum = 0.0, lossMin = Double.nan, lossMax = Double.nan, lossSum = 0.0
            var gradMin = Double.nan, gradMax = Double.nan, gradSum = 0.0
            precondition(range.lowerBound >= 0 && range.upperBound <= min(t.loss.count, t.lr.count, t.gradNorm.count))
            // Through buffer pointers, with the extreme rows' losses kept in registers: the same comparisons and sums
            // in the same order, without three bounds checks and two reloads per row (this loop was a tenth of a
            // worker's time on a study recording every step).
            t.loss.withUnsafeBufferPointer { loss in
                t.lr.withUnsafeBufferPointer { lr in
                    t.gradNorm.withUnsafeBufferPointer { grad in
                        guard !range.isEmpty else { return }
                        var low = loss[lowest], high = loss[highest]
                        var nan = false
                        for i in range where loss[i].isNaN || lr[i].isNaN || grad[i].isNaN {
                            nan = true
                            break
                        }
                        if !nan {
                            // Without NaN, `minimum(a, b)` is `a <= b ? a : b`, `maximum(a, b)` is `a > b ? a : b` and the
                            // extremes' keys are the losses: the same results as the loop below, from branch-free
                            // selects (the general loop's NaN tests were most of its time).
                            let f = range.lowerBound
                            lrMin = lr[f]; lrMax = lr[f]; lossMin = loss[f]; lossMax = loss[f]; gradMin = grad[f]; gradMax = grad[f]
                            for i in range {
                                let l = loss[i], r = lr[i], g = grad[i]
                                if l < low { lowest = i; low = l }
                                if l > high { highest = i; high = l }
                                lrMin = lrMin <= r ? lrMin : r; lrMax = lrMax > r ? lrMax : r; lrSum += r
                                lossMin = lossMin <= l ? lossMin : l; lossMax = lossMax > l ? lossMax : l; lossSum += l
                                gradMin = gradMin <= g ? gradMin : g; gradMax = gradMax > g ? gradMax : g; gradSum += g
                            }
                            return
                        }
                        for i in range {
                            let l = loss[i], r = lr[i], g = grad[i]
                            if Self.key(l) < Self.key(low) { lowest = i; low = l }
                            if Self.higher(l, than: high) { highest = i; high = l }
                            lrMin = .minimum(lrMin, r); lrMax = .maximum(lrMax, r); lrSum += r
                            lossMin = .minimum(lossMin, l); lossMax = .maximum(lossMax, l); lossSum += l
                            gradMin = .minimum(gradMin, g); gradMax = .maximum(gradMax, g); gradSum += g
                        }
                    }
                }
            }
            self.lowest = lowest; self.highest = highest
            self.lrMin = lrMin; self.lrMax = lrMax; self.lrSum = lrSum
            self.lossMin = lossMin; self.lossMax = lossMax; self.lossSum = lossSum
            self.gradMin = gradMin; self.gradMax = gradMax; self.gradSum = gradSum
        }

        /// The bucket of `a`'s rows followed by `b`'s (both indexing the pool whose losses are `loss`).
        init(merging a: Bucket, _ b: Bucket, loss: [Double]) {
            rows = a.rows + b.rows
            first = a.first; last = b.last
            lowest = Self.key(loss[b.lowest]) < Self.key(loss[a.lowest]) ? b.lowest : a.lowest
            highest = Self.higher(loss[b.highest], than: loss[a.highest]) ? b.highest : a.highest
            lrMin = .minimum(a.lrMin, b.lrMin); lrMax = .maximum(a.lrMax, b.lrMax); lrSum = a.lrSum + b.lrSum
            lossMin = .minimum(a.lossMin, b.lossMin); lossMax = .maximum(a.lossMax, b.lossMax); lossSum = a.lossSum + b.lossSum
            gradMin = .minimum(a.gradMin, b.gradMin); gradMax = .maximum(a.gradMax, b.gradMax); gradSum = a.gradSum + b.gradSum
        }

        init(rows: Int, first: Int, last: Int, lowest: Int, highest: Int, stats s: [Double]) {
            self.rows = rows; self.first = first; self.last = last; self.lowest = lowest; self.highest = highest
            lrMin = s[0]; lrMax = s[1]; lrSum = s[2]; lossMin = s[3]; lossMax = s[4]; lossSum = s[5]; gradMin = s[6]; gradMax = s[7]; gradSum = s[8]
        }

        /// The merge of consecutive buckets (nil for none).
        static func merged(_ buckets: ArraySlice<Bucket>, loss: [Double]) -> Bucket? {
            guard var m = buckets.first else { return nil }
            for b in buckets.dropFirst() { m = Bucket(merging: m, b, loss: loss) }
            return m
        }

        /// The four representative rows ordered by step (`step` is the pool's step column).
        func ordered(by step: [Int]) -> [Int] {
            [first, lowest, highest, last].sorted { (step[$0], $0) < (step[$1], $1) }
        }

        /// The statistics in stored order.
        var stats: [Double] { (0..<9).map(stat) }

        /// Statistic `k` in stored order: lr min, max, sum, loss min, max, sum, grad-norm min, max, sum.
        func stat(_ k: Int) -> Double {
            switch k {
            case 0: lrMin
            case 1: lrMax
            case 2: lrSum
            case 3: lossMin
            case 4: lossMax
            case 5: lossSum
            case 6: gradMin
            case 7: gradMax
            default: gradSum
            }
        }
    }

    /// Buckets of `bucketRows` rows over rows `range` of `t` (indices into `t`).
    static func buckets(_ t: Trajectory, rows range: Range<Int>, bucketRows: Int) -> [Bucket] {
        stride(from: range.lowerBound, to: range.upperBound, by: bucketRows).map { start in
            Bucket(t, rows: start..<min(range.upperBound, start + bucketRows))
        }
    }

    /// The summary levels of a chunk's rows, finest first (none for short chunks); indices are chunk rows.
    static func levels(of t: Trajectory) -> [[Bucket]] {
        guard t.count > minRows else { return [] }
        var levels = [buckets(t, rows: 0..<t.count, bucketRows: baseBucketRows)]
        while let last = levels.last, last.count > 1 {
            levels.append(stride(from: 0, to: last.count, by: levelFactor).compactMap {
                Bucket.merged(last[$0..<min(last.count, $0 + levelFactor)], loss: t.loss)
            })
        }
        return levels
    }

    /// Encodes one level of chunk `t`: u32 buckets | u32 sample length | sample rows (`TrajectoryCodec`, 4 per
    /// bucket in the order first, last, lowest, highest; parameters when `t` has at most `maxDimension`) |
    /// row counts column | nine statistics columns (lr min, max, sum, loss min, max, sum, grad-norm min, max,
    /// sum); each column as u8 encoding | u32 length | bytes (`ColumnCodec`).
    static func encode(_ level: [Bucket], of t: Trajectory) -> [UInt8] {
        var samples = Trajectory(dimension: t.dimension)
        let keep = !t.params.isEmpty && t.dimension <= maxDimension
        samples.reserve(rows: level.count * 4, withParams: keep)
        for b in level { for i in [b.first, b.last, b.lowest, b.highest] { samples.appendRow(of: t, at: i, params: keep) } }
        let sampleBytes = TrajectoryCodec.encode(samples)
        var out: [UInt8] = []
        out.reserveCapacity(8 + sampleBytes.count + 10 * (5 + 8 * level.count + 16))
        out.putRaw(UInt32(level.count))
        out.putRaw(UInt32(sampleBytes.count))
        out += sampleBytes
        // Each column straight into `out`, its encoding and length filled in after it (no buffer per column, no array of
        // statistics per bucket: these allocations were most of this function's time).
        func column(_ encode: (inout [UInt8]) -> ColumnCodec.Encoding) {
            let entry = out.count
            out.append(0)
            out.putRaw(UInt32(0))
            let e = encode(&out)
            out[entry] = e.rawValue
            out.setRaw(UInt32(out.count - entry - 5), at: entry + 1)
        }
        let counts = level.map(\.rows)
        column { o in counts.withUnsafeBufferPointer { ColumnCodec.encode(ints: $0, into: &o) } }
        var values = [Double](repeating: 0, count: level.count)
        for k in 0..<9 {
            for i in level.indices { values[i] = level[i].stat(k) }
            column { o in values.withUnsafeBufferPointer { ColumnCodec.encode(doubles: $0.baseAddress!, count: $0.count, into: &o) } }
        }
        return out
    }

    /// Rows that buckets being read point into.
    struct Pool {
        var rows: Trajectory

        init(dimension: Int) { rows = Trajectory(dimension: dimension) }

        /// Decodes an encoded level (see `encode`), appending its sample rows; parameters only when `params`, the
        /// optimizer internals (kept in the sample rows of runs that record them) only when `internals`.
        mutating func decode(_ bytes: [UInt8], params: Bool, internals: Bool = false) throws -> [Bucket] {
            try bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                let n = Int(try r.u32())
                let sampleLength = Int(try r.u32())
                let base = rows.count
                try TrajectoryCodec.decode(try r.bytes(sampleLength), params: params, internals: internals, into: &rows)
                guard rows.count == base + 4 * n else { throw TrajectoryCodec.DecodeError(reason: "summary rows ≠ 4 × buckets") }
                func column() throws -> (ColumnCodec.Encoding, UnsafeRawBufferPointer) {
                    guard let e = ColumnCodec.Encoding(rawValue: try r.u8()) else { throw TrajectoryCodec.DecodeError(reason: "unknown encoding") }
                    return (e, try r.bytes(Int(try r.u32())))
                }
                var counts: [Int] = []
                let (ce, cb) = try column()
                try ColumnCodec.decodeInts(cb, encoding: ce, rows: n, into: &counts)
                var stats = [Double](repeating: 0, count: 9 * n)
                for k in 0..<9 {
                    let (e, b) = try column()
                    try ColumnCodec.decodeDoubles(b, encoding: e, rows: n) { i, v in stats[i * 9 + k] = v }
                }
                return (0..<n).map { i in
                    let at = base + 4 * i
                    return Bucket(rows: counts[i], first: at, last: at + 1, lowest: at + 2, highest: at + 3,
                                  stats: Array(stats[(i * 9)..<(i * 9 + 9)]))
                }
            }
        }

        /// Buckets of `bucketRows` rows over every row of `t`, whose rows are appended to the pool.
        mutating func buckets(of t: Trajectory, bucketRows: Int) -> [Bucket] {
            let base = rows.count
            rows.appendRows(of: t)
            return TrajectorySummary.buckets(rows, rows: base..<rows.count, bucketRows: bucketRows)
        }
    }
}

extension Trajectory {
    /// Appends row `i` of `t`: the columns `t` has (its parameters only when `params`).
    mutating func appendRow(of t: Trajectory, at i: Int, params: Bool) {
        step.append(t.step[i])
        if !t.epoch.isEmpty { epoch.append(t.epoch[i]) }
        if !t.lr.isEmpty { lr.append(t.lr[i]) }
        if !t.loss.isEmpty { loss.append(t.loss[i]) }
        if !t.gradNorm.isEmpty { gradNorm.append(t.gradNorm[i]) }
        if params && !t.params.isEmpty { self.params += t.parameters(atRow: i) }
        if !t.internals.isEmpty {
            if internalNames.isEmpty { internalNames = t.internalNames }
            internals += t.internals(atRow: i)
        }
    }
}
