import DescentCore
import Foundation

/// The columns a view returns besides `step`.
public struct TrajectoryFields: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let epoch = TrajectoryFields(rawValue: 1)
    public static let lr = TrajectoryFields(rawValue: 2)
    public static let loss = TrajectoryFields(rawValue: 4)
    public static let gradNorm = TrajectoryFields(rawValue: 8)
    public static let params = TrajectoryFields(rawValue: 16)
    /// The optimizer internals (runs with `record_internals`).
    public static let internals = TrajectoryFields(rawValue: 32)
    /// Every column.
    public static let all: TrajectoryFields = [.epoch, .lr, .loss, .gradNorm, .params, .internals]
}

/// What part of a trajectory to read, and at what resolution.
public struct TrajectoryView: Sendable, Equatable {
    /// First step to include (all when nil).
    public var from: Int?
    /// Last step to include (all when nil).
    public var to: Int?
    /// Keep every n-th row of the range (1: all).
    public var every = 1
    /// At most this many rows, chosen so that `shape` keeps its shape; nil: every row.
    public var maxPoints: Int?
    /// What a `maxPoints` selection keeps the shape of (default: the loss curve).
    public var shape: TrajectoryShape = .loss
    /// Columns wanted besides `step`.
    public var fields: TrajectoryFields = .all
    /// Every row of every column.
    public init() {}
}

/// What a downsampled view keeps the shape of.
public enum TrajectoryShape: String, Sendable, CaseIterable {
    /// The loss curve over steps: M4 rows per bucket of steps, read from the stored summaries.
    case loss
    /// The parameter path in the (w1, w2) plane: `PathSelection` over the decoded parameters.
    case path
}

/// The rows of a view.
public struct TrajectoryPage: Sendable {
    /// The rows (columns not asked for may be empty).
    public var rows: Trajectory
    /// Rows in the whole stored trajectory.
    public var total: Int
    /// Whether `rows` is a shape-keeping selection (max_points) rather than every row of the range.
    public var downsampled: Bool
}

/// Reading views: the store is asked only for the chunks and summary levels a view needs. A slice decodes
/// the chunks its step range overlaps; a `maxPoints` view over many rows reads the summary level whose
/// buckets are closest to (and not longer than) `rows / (maxPoints / 2)`, merges neighbouring buckets
/// until at most `maxPoints` rows remain, and returns each bucket's first, last, lowest-loss and highest-loss rows (M4).
/// Only the chunks at the two ends of the range, cut by `from`/`to`, and chunks too short to have
/// summaries are decoded. So the work is proportional to the points returned, not to the run's length.
extension Store {
    /// The rows of `view` of experiment `id` (a run with `dimension` parameters); `chunks` is its
    /// `chunkIndex` when the caller has read it already.
    public func view(_ id: String, dimension: Int, _ view: TrajectoryView, chunks known: [ChunkInfo]? = nil) throws -> TrajectoryPage {
        let chunks = try (known ?? chunkIndex(id)).filter { $0.rows > 0 }
        let total = chunks.reduce(0) { $0 + $1.rows }
        var planner = ViewPlanner(store: self, id: id, dimension: dimension, view: view)
        let (rows, downsampled) = try planner.rows(of: chunks)
        return TrajectoryPage(rows: rows, total: total, downsampled: downsampled)
    }

    /// The step of the first recorded row whose loss is at most `target`, or nil. Chunks whose summary says
    /// their smallest loss is above the target are skipped without being decoded.
    public func firstStep(_ id: String, dimension: Int, lossAtMost target: Double) throws -> Int? {
        let chunks = try chunkIndex(id).filter { $0.rows > 0 }
        guard let last = chunks.last?.index else { return nil }
        // The coarsest level of a chunk has one bucket: its loss minimum.
        var coarsest: [Int: [UInt8]] = [:]
        for level in Set(chunks.filter { $0.levels > 0 }.map { $0.levels - 1 }) {
            coarsest.merge(try summaryData(id, level: level, indices: 0...last)) { a, _ in a }
        }
        for c in chunks {
            var pool = TrajectorySummary.Pool(dimension: dimension)
            if let blob = coarsest[c.index], let bucket = try pool.decode(blob, params: false).first, !(bucket.lossMin <= target) { continue }
            var t = Trajectory(dimension: dimension)
            for blob in try chunkData(id, indices: c.index...c.index) {
                try blob.withUnsafeBytes { try TrajectoryCodec.decode($0, epoch: false, lr: false, gradNorm: false, params: false, into: &t) }
            }
            if let i = t.loss.firstIndex(where: { $0 <= target }) { return t.step[i] }
        }
        return nil
    }

    /// The epoch records of experiment `id` whose step lies within `from`…`to`.
    public func epochRecords(_ id: String, from: Int?, to: Int?) throws -> [EpochRecord] {
        try epochRecords(id).filter { e in (from.map { e.step >= $0 } ?? true) && (to.map { e.step <= $0 } ?? true) }
    }
}

/// The chunks of a step range and the rows of a view over them.
struct ViewPlanner {
    let store: any Store
    let id: String
    let dimension: Int
    let view: TrajectoryView

    init(store: any Store, id: String, dimension: Int, view: TrajectoryView) {
        self.store = store; self.id = id; self.dimension = dimension; self.view = view
    }

    /// Whether chunk `c` has rows within the view's step range.
    func overlaps(_ c: ChunkInfo) -> Bool {
        (view.from.map { c.lastStep >= $0 } ?? true) && (view.to.map { c.firstStep <= $0 } ?? true)
    }

    /// Whether every row of `c` is within the view's step range.
    func covers(_ c: ChunkInfo) -> Bool {
        (view.from.map { c.firstStep >= $0 } ?? true) && (view.to.map { c.lastStep <= $0 } ?? true)
    }

    /// Rows of the range in chunk order: every row, or an M4 selection of at most `maxPoints`.
    mutating func rows(of all: [ChunkInfo]) throws -> (Trajectory, Bool) {
        let chunks = all.filter(overlaps)
        guard !chunks.isEmpty else { return (Trajectory(dimension: dimension), false) }
        // The chunks at the ends may be cut by the range: decode them now to know the exact row count.
        var cut: [Int: Trajectory] = [:]
        for c in [chunks[0], chunks[chunks.count - 1]] where !covers(c) && cut[c.index] == nil {
            cut[c.index] = inRange(try decode(c.index...c.index))
        }
        let rangeRows = chunks.reduce(0) { $0 + (cut[$1.index]?.count ?? $1.rows) }
        // Two points per bucket to aim for (a monotone stretch gives first and last only); `emit` merges
        // further where buckets give up to four.
        let target = max(1, (view.maxPoints ?? 0) / 2)
        let wantsLargeParams = view.fields.contains(.params) && dimension > TrajectorySummary.maxDimension
        guard let maxPoints = view.maxPoints, rangeRows > maxPoints else {
            return (try every(chunks, cut: cut), false)
        }
        if view.shape == .path && dimension > 0 {
            let rows = try every(chunks, cut: cut)
            if rows.params.count == rows.count * dimension {
                return (pathRows(rows, maxPoints: maxPoints), rows.count > maxPoints)
            }
        }
        let bucketRows = Double(rangeRows) / Double(target)
        var level = -1
        while Double(TrajectorySummary.bucketRows(level: level + 1)) <= bucketRows { level += 1 }
        var pool = TrajectorySummary.Pool(dimension: dimension)
        if view.every > 1 || level < 0 || wantsLargeParams {
            // Too few rows per bucket for the stored levels (or a stride / large parameters): bucket the rows.
            let rows = try every(chunks, cut: cut)
            guard rows.count > maxPoints else { return (rows, false) }
            // About maxPoints buckets, so that a monotone stretch (two rows a bucket) can still fill the budget.
            let buckets = pool.buckets(of: rows, bucketRows: max(1, rows.count / maxPoints))
            return (emit(buckets, pool: pool.rows, maxPoints: maxPoints), true)
        }
        var buckets: [TrajectorySummary.Bucket] = []
        let size = TrajectorySummary.bucketRows(level: level)
        let params = view.fields.contains(.params)
        var stored: [Int: [UInt8]] = [:]
        let summarised = chunks.filter { cut[$0.index] == nil && $0.levels > 0 }
        for needed in Set(summarised.map { min(level, $0.levels - 1) }) {
            let these = summarised.filter { min(level, $0.levels - 1) == needed }
            if let lo = these.first?.index, let hi = these.last?.index {
                let found = try store.summaryData(id, level: needed, indices: lo...hi)
                for c in these { stored[c.index] = found[c.index] }
            }
        }
        for c in chunks {
            if let blob = stored[c.index] {
                buckets += try pool.decode(blob, params: params, internals: view.fields.contains(.internals))
            } else {
                let rows = try cut[c.index] ?? self.decode(c.index...c.index)
                buckets += pool.buckets(of: rows, bucketRows: size)
            }
        }
        return (emit(buckets, pool: pool.rows, maxPoints: maxPoints), true)
    }

    /// Decodes the rows of chunks `indices`: every scalar column (summaries need them), the parameters
    /// only when the view asks for them.
    func decode(_ indices: ClosedRange<Int>) throws -> Trajectory {
        var t = Trajectory(dimension: dimension)
        for blob in try store.chunkData(id, indices: indices) {
            try blob.withUnsafeBytes { raw in
                if view.shape == .path && view.maxPoints != nil {
                    // A path view needs no summaries: only the columns asked for, and the parameters.
                    let f = view.fields
                    try TrajectoryCodec.decode(raw, epoch: f.contains(.epoch), lr: f.contains(.lr), loss: f.contains(.loss),
                                               gradNorm: f.contains(.gradNorm), params: true, internals: f.contains(.internals), into: &t)
                } else {
                    try TrajectoryCodec.decode(raw, params: view.fields.contains(.params), internals: view.fields.contains(.internals),
                                               into: &t)
                }
            }
        }
        return t
    }

    /// At most `maxPoints` of `rows`, chosen by the geometry of their (w1, w2) path (`PathSelection`).
    func pathRows(_ rows: Trajectory, maxPoints: Int) -> Trajectory {
        var out = Trajectory(dimension: dimension)
        for i in PathSelection.select(params: rows.params, dimension: dimension, budget: maxPoints) {
            out.appendRow(of: rows, at: i, params: true)
        }
        return out
    }

    /// The rows whose step lies in the view's range, of a chunk with these (ascending) steps.
    func span(_ steps: [Int]) -> Range<Int> {
        let lo = view.from.map { f in steps.firstIndex { $0 >= f } ?? steps.count } ?? 0
        let hi = view.to.map { to in steps.lastIndex { $0 <= to }.map { $0 + 1 } ?? 0 } ?? steps.count
        return lo..<max(lo, hi)
    }

    /// The rows of `t` within the view's step range.
    func inRange(_ t: Trajectory) -> Trajectory { t.rows(span(t.step)) }

    /// Every `view.every`-th row of the range.
    func every(_ chunks: [ChunkInfo], cut: [Int: Trajectory]) throws -> Trajectory {
        var out = Trajectory(dimension: dimension)
        var start = 0
        while start < chunks.count {
            // Consecutive uncut chunks are read in one query.
            var end = start
            if cut[chunks[start].index] == nil {
                while end + 1 < chunks.count && cut[chunks[end + 1].index] == nil { end += 1 }
            }
            let part = try cut[chunks[start].index] ?? decode(chunks[start].index...chunks[end].index)
            out.appendRows(of: part)
            start = end + 1
        }
        guard view.every > 1 else { return out }
        var strided = Trajectory(dimension: dimension)
        for i in stride(from: 0, to: out.count, by: view.every) { strided.appendRow(of: out, at: i, params: true) }
        return strided
    }

    /// The M4 rows of `buckets` (rows of `pool`) merged into groups of consecutive buckets, in step order: the
    /// most groups whose rows number at most `maxPoints` (for fewer than four points: the first and last
    /// rows, then the lowest loss). Each group gives two to four rows, so the row count grows with the number
    /// of groups (nearly monotonically): a binary search finds a number of groups that fits and one more that
    /// does not, which uses the budget where the old fixed group sizes left up to half of it unused.
    func emit(_ buckets: [TrajectorySummary.Bucket], pool: Trajectory, maxPoints: Int) -> Trajectory {
        var out = Trajectory(dimension: dimension)
        guard maxPoints >= 4 else {
            guard let b = TrajectorySummary.Bucket.merged(buckets[...], loss: pool.loss) else { return out }
            let order = [b.first, b.lowest, b.last].prefix(maxPoints).sorted { (pool.step[$0], $0) < (pool.step[$1], $1) }
            for k in order where out.step.last.map({ $0 < pool.step[k] }) ?? true { out.appendRow(of: pool, at: k, params: true) }
            return out
        }
        var best = picks(buckets, pool: pool, groups: buckets.count)
        if best.count > maxPoints {
            var fits = 1, tooMany = buckets.count
            best = picks(buckets, pool: pool, groups: 1)
            while tooMany - fits > 1 {
                let groups = (fits + tooMany) / 2
                let rows = picks(buckets, pool: pool, groups: groups)
                if rows.count <= maxPoints { fits = groups; best = rows } else { tooMany = groups }
            }
        }
        out.reserve(rows: best.count, withParams: !pool.params.isEmpty)
        for k in best { out.appendRow(of: pool, at: k, params: true) }
        return out
    }

    /// Pool rows of the M4 rows of `buckets` cut into `groups` nearly equal runs of consecutive buckets.
    private func picks(_ buckets: [TrajectorySummary.Bucket], pool: Trajectory, groups: Int) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(4 * groups)
        var lastStep = Int.min
        for g in 0..<groups {
            let range = (g * buckets.count / groups)..<((g + 1) * buckets.count / groups)
            guard let b = TrajectorySummary.Bucket.merged(buckets[range], loss: pool.loss) else { continue }
            for k in b.ordered(by: pool.step) where pool.step[k] > lastStep {
                out.append(k); lastStep = pool.step[k]
            }
        }
        return out
    }
}

extension Trajectory {
    /// Appends every row of `t` (the columns it has).
    mutating func appendRows(of t: Trajectory) {
        step += t.step; epoch += t.epoch; lr += t.lr; loss += t.loss; gradNorm += t.gradNorm; params += t.params
        if !t.internals.isEmpty {
            if internalNames.isEmpty { internalNames = t.internalNames }
            internals += t.internals
        }
    }
}
