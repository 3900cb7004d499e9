/// A finished trial as samplers see it: its values and its score, a loss to minimize (the objective's value,
/// negated when maximizing; +∞ for a diverged run). A pruned trial's score is its last report (a loss) and
/// `prunedAt` that report's step.
public struct ScoredTrial: Sendable, Equatable {
    /// Trial number, from 0.
    public var number: Int
    /// The values it ran with (active parameters only).
    public var assignment: SearchAssignment
    /// Its score; smaller is better, never NaN.
    public var score: Double
    /// The step of its last report when it was pruned (nil: it ran to its end).
    public var prunedAt: Int? = nil

    /// A scored trial.
    public init(number: Int, assignment: SearchAssignment, score: Double, prunedAt: Int? = nil) {
        self.number = number; self.assignment = assignment; self.score = score; self.prunedAt = prunedAt
    }

    /// The order of trials from best to worst, as Optuna's TPE splits them: complete trials by score, then pruned
    /// ones, those that went further first, then by their last report; ties by trial number.
    public static func isRankedBefore(_ a: ScoredTrial, _ b: ScoredTrial) -> Bool {
        (a.prunedAt == nil ? 0 : 1, -(a.prunedAt ?? 0), a.score, a.number) < (b.prunedAt == nil ? 0 : 1, -(b.prunedAt ?? 0), b.score, b.number)
    }
}

/// How a study picks each trial's values.
///
/// Every proposal is a pure function of the space, the study seed, the trial number and the history it is
/// given, which the study fixes by trial number (`SearchSchedule`): so the same study gives the same trials
/// in the same order whatever the number of workers or instances.
public enum SearchSampler: Sendable, Equatable {
    /// Every point of the grid (categories, integers, `points` per continuous axis), first path slowest.
    case grid
    /// Independent draws from each parameter's prior.
    case random
    /// Scrambled Halton points (random digit permutations per dimension and digit), one dimension per parameter.
    case quasiRandom
    /// Tree-structured Parzen estimator (Bergstra et al. 2011), see `TPESampler`.
    case tpe(TPEOptions)

    /// The name used in study bodies.
    public var name: String {
        switch self {
        case .grid: "grid"
        case .random: "random"
        case .quasiRandom: "quasi_random"
        case .tpe: "tpe"
        }
    }

    /// The values of trial `number`; nil when the grid has no such point.
    /// - Parameters:
    ///   - history: the scored trials the study feeds this trial (see `SearchSchedule`), in trial-number order.
    ///   - grid: the grid's points (from `SearchSpace.grid()`), used by the grid sampler only.
    public func propose(_ space: SearchSpace, trial number: Int, seed: UInt64, history: [ScoredTrial],
                        grid: [SearchAssignment] = []) -> SearchAssignment? {
        switch self {
        case .grid: return number < grid.count ? grid[number] : nil
        case .random:
            var rng = SearchSeed.generator(seed: seed, trial: number, stream: 1)
            return space.randomAssignment(&rng)
        case .quasiRandom: return HaltonSequence(dimensions: space.parameters.count, seed: seed).assignment(space, index: number)
        case .tpe(let options):
            return TPESampler(space: space, options: options).propose(trial: number, seed: seed, history: history)
        }
    }
}

/// Per-trial random streams derived from the study seed.
public enum SearchSeed {
    /// A generator for trial `trial` and purpose `stream`, independent of every other (trial, stream) pair:
    /// SplitMix64 seeded with seed ⊕ mix(trial, stream).
    public static func generator(seed: UInt64, trial: Int, stream: UInt64) -> SeededRandom {
        var mixer = SeededRandom(seed: UInt64(truncatingIfNeeded: trial) &* 0x9E37_79B9_7F4A_7C15 ^ stream &* 0xD1B5_4A32_D192_ED03)
        return SeededRandom(seed: seed ^ mixer.next())
    }
}

extension SearchSpace {
    /// One draw from the prior: each active parameter, in order, uniform on its (log) scale.
    public func randomAssignment(_ rng: inout SeededRandom) -> SearchAssignment {
        var a: SearchAssignment = [:]
        for p in parameters {
            let u = rng.nextDouble()  // drawn for inactive ones too, so each parameter keeps its place in the stream
            if isActive(p, in: a) { a[p.path] = p.domain.value(atUnit: u) }
        }
        return a
    }

    /// The grid's points in order (first parameter slowest); an inactive parameter is not expanded, so no
    /// point repeats. Nil when it has more than `limit` points.
    public func grid(limit: Int) -> [SearchAssignment]? {
        var points: [SearchAssignment] = [[:]]
        for p in parameters {
            let values = p.domain.gridValues(points: p.gridPoints)
            var next: [SearchAssignment] = []
            for a in points {
                if !isActive(p, in: a) { next.append(a); continue }
                for v in values {
                    var b = a
                    b[p.path] = v
                    next.append(b)
                }
            }
            guard next.count <= limit else { return nil }
            points = next
        }
        return points
    }
}
