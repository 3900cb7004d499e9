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
/// (lr, loss, grad norm) the minimum, maximum and sum (NaN-ignoring minimum and maximum). Parameters
/// are kept in the four rows when the model has at most `maxDimension` of them; larger models keep no
/// parameters in summaries (a view asking for them reads the chunks).
/// Chunks of at most `minRows` rows get no summaries: reading them whole is as cheap.
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

    /// One bucket: its row count, four representative rows (row indices into the chunk or view they came
    /// from are not kept; the rows themselves are) and column statistics.
    struct Bucket: Sendable, Equatable {
        var rows: Int
        /// The first, last, smallest-loss and largest-loss rows, each as a one-row trajectory slice index
        /// into `Bucket.sample` (0…3).
        var sample: Trajectory
        var lrMin: Double, lrMax: Double, lrSum: Double
        var lossMin: Double, lossMax: Double, lossSum: Double
        var gradMin: Double, gradMax: Double, gradSum: Double

        static let first = 0, last = 1, lowest = 2, highest = 3

        init(rows: Int, sample: Trajectory, lrMin: Double, lrMax: Double, lrSum: Double, lossMin: Double, lossMax: Double,
             lossSum: Double, gradMin: Double, gradMax: Double, gradSum: Double) {
            self.rows = rows; self.sample = sample
            self.lrMin = lrMin; self.lrMax = lrMax; self.lrSum = lrSum
            self.lossMin = lossMin; self.lossMax = lossMax; self.lossSum = lossSum
            self.gradMin = gradMin; self.gradMax = gradMax; self.gradSum = gradSum
        }

        /// Loss ordering with NaN above +∞, so NaN and +∞ losses count as extremes.
        @inline(__always) static func key(_ v: Double) -> Double { v.isNaN ? .infinity : v }

        /// The bucket summarising rows `range` of `t`.
        init(_ t: Trajectory, rows range: Range<Int>, keepParams: Bool) {
            rows = range.count
            var lo = range.lowerBound, hi = range.lowerBound
            lrMin = .nan; lrMax = .nan; lrSum = 0; lossMin = .nan; lossMax = .nan; lossSum = 0; gradMin = .nan; gradMax = .nan; gradSum = 0
            for i in range {
                let l = t.loss[i]
                if Self.key(l) < Self.key(t.loss[lo]) { lo = i }
                if Self.key(l) > Self.key(t.loss[hi]) || (t.loss[i].isNaN && !t.loss[hi].isNaN) { hi = i }
                lrMin = .minimum(lrMin, t.lr[i]); lrMax = .maximum(lrMax, t.lr[i]); lrSum += t.lr[i]
                lossMin = .minimum(lossMin, l); lossMax = .maximum(lossMax, l); lossSum += l
                gradMin = .minimum(gradMin, t.gradNorm[i]); gradMax = .maximum(gradMax, t.gradNorm[i]); gradSum += t.gradNorm[i]
            }
            sample = Trajectory(dimension: t.dimension)
            for i in [range.lowerBound, range.upperBound - 1, lo, hi] { sample.appendRow(of: t, at: i, params: keepParams) }
        }

        /// The bucket of `a`'s rows followed by `b`'s.
        init(merging a: Bucket, _ b: Bucket) {
            rows = a.rows + b.rows
            let lowB = Self.key(b.sample.loss[Self.lowest]) < Self.key(a.sample.loss[Self.lowest])
            let highB = Self.key(b.sample.loss[Self.highest]) > Self.key(a.sample.loss[Self.highest])
                || (b.sample.loss[Self.highest].isNaN && !a.sample.loss[Self.highest].isNaN)
            sample = Trajectory(dimension: a.sample.dimension)
            let keep = !a.sample.params.isEmpty
            sample.appendRow(of: a.sample, at: Self.first, params: keep)
            sample.appendRow(of: b.sample, at: Self.last, params: keep)
            sample.appendRow(of: lowB ? b.sample : a.sample, at: Self.lowest, params: keep)
            sample.appendRow(of: highB ? b.sample : a.sample, at: Self.highest, params: keep)
            lrMin = .minimum(a.lrMin, b.lrMin); lrMax = .maximum(a.lrMax, b.lrMax); lrSum = a.lrSum + b.lrSum
            lossMin = .minimum(a.lossMin, b.lossMin); lossMax = .maximum(a.lossMax, b.lossMax); lossSum = a.lossSum + b.lossSum
            gradMin = .minimum(a.gradMin, b.gradMin); gradMax = .maximum(a.gradMax, b.gradMax); gradSum = a.gradSum + b.gradSum
        }

        /// The merge of consecutive buckets (nil for none).
        static func merged(_ buckets: ArraySlice<Bucket>) -> Bucket? {
            guard var m = buckets.first else { return nil }
            for b in buckets.dropFirst() { m = Bucket(merging: m, b) }
            return m
        }
    }

    /// Level-0 buckets of `bucketRows` rows over rows `range` of `t`.
    static func buckets(_ t: Trajectory, rows range: Range<Int>, bucketRows: Int, keepParams: Bool) -> [Bucket] {
        stride(from: range.lowerBound, to: range.upperBound, by: bucketRows).map { start in
            Bucket(t, rows: start..<min(range.upperBound, start + bucketRows), keepParams: keepParams)
        }
    }

    /// The summary levels of a chunk's rows, finest first (none for short chunks).
    static func levels(of t: Trajectory) -> [[Bucket]] {
        guard t.count > minRows else { return [] }
        let keep = !t.params.isEmpty && t.dimension <= maxDimension
        var levels = [buckets(t, rows: 0..<t.count, bucketRows: baseBucketRows, keepParams: keep)]
        while let last = levels.last, last.count > 1 {
            levels.append(stride(from: 0, to: last.count, by: levelFactor).compactMap {
                Bucket.merged(last[$0..<min(last.count, $0 + levelFactor)])
            })
        }
        return levels
    }

    /// Encodes one level: u32 buckets | u32 sample length | sample rows (`TrajectoryCodec`, 4 per bucket in
    /// the order first, last, lowest, highest) | row counts column | nine statistics columns
    /// (lr min, max, sum, loss min, max, sum, grad-norm min, max, sum); each column as u8 encoding | u32
    /// length | bytes (`ColumnCodec`).
    static func encode(_ level: [Bucket]) -> [UInt8] {
        var samples = Trajectory(dimension: level.first?.sample.dimension ?? 0)
        let keep = !(level.first?.sample.params.isEmpty ?? true)
        for b in level { for r in 0..<4 { samples.appendRow(of: b.sample, at: r, params: keep) } }
        var out: [UInt8] = []
        out.putRaw(UInt32(level.count))
        let sampleBytes = TrajectoryCodec.encode(samples)
        out.putRaw(UInt32(sampleBytes.count))
        out += sampleBytes
        func column(_ encode: (inout [UInt8]) -> ColumnCodec.Encoding) {
            var bytes: [UInt8] = []
            let e = encode(&bytes)
            out.append(e.rawValue)
            out.putRaw(UInt32(bytes.count))
            out += bytes
        }
        let counts = level.map(\.rows)
        column { o in counts.withUnsafeBufferPointer { ColumnCodec.encode(ints: $0, into: &o) } }
        let stats: [KeyPath<Bucket, Double>] = [\.lrMin, \.lrMax, \.lrSum, \.lossMin, \.lossMax, \.lossSum, \.gradMin, \.gradMax, \.gradSum]
        for path in stats {
            let values = level.map { $0[keyPath: path] }
            column { o in values.withUnsafeBufferPointer { ColumnCodec.encode(doubles: $0.baseAddress!, count: values.count, into: &o) } }
        }
        return out
    }

    /// Decodes what `encode` wrote; `dimension` is the run's.
    static func decode(_ bytes: [UInt8], dimension: Int) throws -> [Bucket] {
        try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            let n = Int(try r.u32())
            let sampleLength = Int(try r.u32())
            var samples = Trajectory(dimension: dimension)
            try TrajectoryCodec.decode(try r.bytes(sampleLength), into: &samples)
            guard samples.count == 4 * n else { throw TrajectoryCodec.DecodeError(reason: "summary rows ≠ 4 × buckets") }
            func column() throws -> (ColumnCodec.Encoding, UnsafeRawBufferPointer) {
                guard let e = ColumnCodec.Encoding(rawValue: try r.u8()) else { throw TrajectoryCodec.DecodeError(reason: "unknown encoding") }
                return (e, try r.bytes(Int(try r.u32())))
            }
            var counts: [Int] = []
            let (ce, cb) = try column()
            try ColumnCodec.decodeInts(cb, encoding: ce, rows: n, into: &counts)
            var stats: [[Double]] = []
            for _ in 0..<9 {
                let (e, b) = try column()
                var values = [Double](repeating: 0, count: n)
                try ColumnCodec.decodeDoubles(b, encoding: e, rows: n) { i, v in values[i] = v }
                stats.append(values)
            }
            let keep = !samples.params.isEmpty
            return (0..<n).map { i in
                var sample = Trajectory(dimension: dimension)
                for k in 0..<4 { sample.appendRow(of: samples, at: 4 * i + k, params: keep) }
                return Bucket(rows: counts[i], sample: sample, lrMin: stats[0][i], lrMax: stats[1][i], lrSum: stats[2][i],
                              lossMin: stats[3][i], lossMax: stats[4][i], lossSum: stats[5][i],
                              gradMin: stats[6][i], gradMax: stats[7][i], gradSum: stats[8][i])
            }
        }
    }
}

extension Trajectory {
    /// Appends row `i` of `t` (its parameters too when `params` and `t` has them).
    mutating func appendRow(of t: Trajectory, at i: Int, params: Bool) {
        step.append(t.step[i]); epoch.append(t.epoch[i]); lr.append(t.lr[i]); loss.append(t.loss[i]); gradNorm.append(t.gradNorm[i])
        if params && !t.params.isEmpty { self.params += t.parameters(atRow: i) }
    }
}
