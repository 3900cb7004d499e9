/// A study's search: its space, sampler, budget, concurrency and seed.
///
/// **Which trials feed which.** Trials are numbered 0, 1, 2, … in the order they are proposed. Trial i
/// is proposed only once every trial numbered below i − c + 1 has finished (c = `maxConcurrent`), and the
/// sampler then sees exactly those trials — 0 … i − c, in trial-number order, with their scores — and no
/// others, even when later ones have already finished. So at most c trials are in flight, c = 1 is fully
/// sequential (trial i sees every earlier trial), and trial i's values depend only on the study spec, the
/// seed and the results of trials 0 … i − c. Runs are deterministic, so those results are too, and the
/// same study gives the same trials in the same order whatever the number of workers or instances.
/// Trials that failed (an error, not a divergence) or were cancelled finish without a score and are left
/// out of the history; diverged ones score worst (+∞); pruned ones enter it ranked after every complete one
/// (`ScoredTrial.isRankedBefore`). The pruner sees the same history: trial i's pruning rule is fixed when it is
/// proposed, from the reports of trials 0 … i − c (`StudyPruner.rule`), so pruning decisions too depend only on
/// the study spec and seed.
public struct StudySearch: Sendable, Equatable {
    /// Most trials one study may run.
    public static let maxTrials = 10_000
    /// Most trials in flight at once.
    public static let maxConcurrentLimit = 256

    /// The parameters searched.
    public var space: SearchSpace
    /// How values are picked.
    public var sampler: SearchSampler
    /// Trials to run (the grid's size at most, for the grid sampler).
    public var trials: Int
    /// Most trials in flight at once (c above).
    public var maxConcurrent: Int
    /// Seed of the sampler's random streams.
    public var seed: UInt64
    /// How trials are stopped early (nil: never).
    public var pruner: StudyPruner? = nil

    /// A search.
    public init(space: SearchSpace, sampler: SearchSampler, trials: Int, maxConcurrent: Int, seed: UInt64, pruner: StudyPruner? = nil) {
        self.space = space; self.sampler = sampler; self.trials = trials; self.maxConcurrent = maxConcurrent; self.seed = seed
        self.pruner = pruner
    }

    /// How many of the first trials feed trial `number`: max(0, number − c + 1).
    public func historyLength(forTrial number: Int) -> Int { max(0, number - maxConcurrent + 1) }

    /// The values of trial `number` given the scores of earlier trials (`scores[j]` for trial j: nil when it
    /// finished without a score; must cover at least `historyLength(forTrial:)` trials; `prunedAt[j]`, when given,
    /// the step at which trial j was pruned, its score then being its last report). Nil past the grid.
    public func propose(trial number: Int, assignments: [SearchAssignment], scores: [Double?], prunedAt: [Int?] = [],
                        grid: [SearchAssignment] = []) -> SearchAssignment? {
        let n = historyLength(forTrial: number)
        precondition(assignments.count >= n && scores.count >= n, "trial \(number) needs the results of trials 0..<\(n)")
        // Only TPE reads the history: the others would pay O(n) per proposal for nothing (a 10,000-trial random
        // search spent a fifth of its server time building histories it ignored).
        guard case .tpe = sampler else { return sampler.propose(space, trial: number, seed: seed, history: [], grid: grid) }
        let history = (0..<n).compactMap { j in
            scores[j].map { ScoredTrial(number: j, assignment: assignments[j], score: $0, prunedAt: j < prunedAt.count ? prunedAt[j] : nil) }
        }
        return sampler.propose(space, trial: number, seed: seed, history: history, grid: grid)
    }
}

extension StudySearch {
    /// Parses `{"space": {…}, "sampler": "tpe" | {"type": "tpe", …}, "trials": 50, "max_concurrent": 4, "seed": 0,
    /// "pruner": {"type": "median", …}}`. Defaults: sampler `tpe`, trials 20 (the grid's size for `grid`),
    /// max_concurrent 1, seed 0, no pruner.
    public init(parsing value: SpecValue, field: String) throws(SearchError) {
        guard let o = value.object else { throw SearchError(field, "must be an object with space, sampler, trials, max_concurrent, seed, pruner") }
        let allowed = ["space", "sampler", "trials", "max_concurrent", "seed", "pruner"]
        for key in o.keys.sorted() where !allowed.contains(key) {
            throw SearchError("\(field).\(key)", "unknown key; allowed: \(allowed.joined(separator: ", "))")
        }
        let space = try SearchSpace(parsing: o["space"] ?? .null, field: "\(field).space")
        let sampler = try SearchSampler(parsing: o["sampler"], field: "\(field).sampler")
        func count(_ key: String, _ fallback: Int, _ limit: Int) throws(SearchError) -> Int {
            guard let v = o[key] else { return fallback }
            guard let n = v.integer, n >= 1, n <= limit else { throw SearchError("\(field).\(key)", "must be an integer in 1…\(limit)") }
            return n
        }
        var trials = try count("trials", 20, Self.maxTrials)
        if sampler == .grid {
            guard let grid = space.grid(limit: Self.maxTrials) else {
                throw SearchError("\(field).space", "the grid has more than \(Self.maxTrials) points")
            }
            trials = o["trials"] == nil ? grid.count : min(trials, grid.count)
        }
        let seed: UInt64
        if let s = o["seed"] {
            guard let n = s.integer, n >= 0 else { throw SearchError("\(field).seed", "must be a non-negative integer") }
            seed = UInt64(n)
        } else { seed = 0 }
        let pruner = try o["pruner"].flatMap { v throws(SearchError) in v == .null ? nil : try StudyPruner(parsing: v, field: "\(field).pruner") }
        self.init(space: space, sampler: sampler, trials: trials,
                  maxConcurrent: try count("max_concurrent", 1, Self.maxConcurrentLimit), seed: seed, pruner: pruner)
    }
}

extension SearchSampler {
    /// Parses `"tpe"` or `{"type": "tpe", "startup_trials": 10, "candidates": 24, "prior_weight": 1,
    /// "multivariate": true}` (TPE's keys optional); likewise `grid`, `random`, `quasi_random`. Default tpe.
    public init(parsing value: SpecValue?, field: String) throws(SearchError) {
        guard let value else {
            self = .tpe(TPEOptions())
            return
        }
        let o = value.object ?? [:]
        guard let type = value.string ?? o["type"]?.string else { throw SearchError(field, "must be a sampler name or an object with a type") }
        switch type {
        case "grid", "random", "quasi_random":
            for key in o.keys.sorted() where key != "type" { throw SearchError("\(field).\(key)", "the \(type) sampler takes no options") }
            self = type == "grid" ? .grid : type == "random" ? .random : .quasiRandom
        case "tpe":
            var options = TPEOptions()
            for key in o.keys.sorted() where key != "type" {
                let v = o[key] ?? .null
                switch key {
                case "startup_trials":
                    guard let n = v.integer, n >= 0 else { throw SearchError("\(field).\(key)", "must be a non-negative integer") }
                    options.startupTrials = n
                case "candidates":
                    guard let n = v.integer, n >= 1, n <= 10_000 else { throw SearchError("\(field).\(key)", "must be an integer in 1…10000") }
                    options.candidates = n
                case "prior_weight":
                    guard let x = v.number, x > 0, x.isFinite else { throw SearchError("\(field).\(key)", "must be a positive number") }
                    options.priorWeight = x
                case "multivariate":
                    guard let b = v.bool else { throw SearchError("\(field).\(key)", "must be true or false") }
                    options.multivariate = b
                default:
                    throw SearchError("\(field).\(key)", "unknown key; allowed: type, startup_trials, candidates, prior_weight, multivariate")
                }
            }
            self = .tpe(options)
        default:
            throw SearchError("\(field).type", "unknown sampler '\(type)'; one of grid, random, quasi_random, tpe")
        }
    }
}
