/// Settings of the TPE sampler; the defaults are Optuna's `TPESampler` (optuna/samplers/_tpe, 5.0 development
/// branch): 10 startup trials, 24 candidates, prior weight 1, magic clip on, endpoints off, γ(n) = min(⌈n/10⌉, 25),
/// the ramped weights below, and multivariate kernels for single-objective studies.
public struct TPEOptions: Sendable, Equatable {
    /// Trials drawn at random before the model is used.
    public var startupTrials = 10
    /// Candidates drawn from l(x) per proposal; the one with the largest l(x)/g(x) is taken.
    public var candidates = 24
    /// Weight of the prior kernel.
    public var priorWeight = 1.0
    /// Whether bandwidths are clipped below at (hi − lo)/min(100, n + 2).
    public var considerMagicClip = true
    /// Whether the outermost observations measure their bandwidth to the bounds too.
    public var considerEndpoints = false
    /// One joint estimator over the unconditional parameters (true), or one per parameter.
    public var multivariate = true

    /// Default options.
    public init() {}

    /// How many of n scored trials form the "good" group l(x): min(⌈0.1 n⌉, 25).
    public func gamma(_ n: Int) -> Int { min((n + 9) / 10, 25) }

    /// Weights of n observations in trial-number order: all 1 below 25; else the 25 newest 1 and the older
    /// ones a linear ramp from 1/n to 1 (`numpy.linspace(1/n, 1, n − 25)`).
    public func weights(_ n: Int) -> [Double] {
        guard n >= 25 else { return [Double](repeating: 1, count: n) }
        let m = n - 25, start = 1 / Double(n)
        let ramp = (0..<m).map { i in m == 1 ? start : start + (1 - start) * Double(i) / Double(m - 1) }
        return ramp + [Double](repeating: 1, count: 25)
    }
}

/// Tree-structured Parzen estimator (Bergstra, Bardenet, Bengio & Kégl 2011), as Optuna implements it.
///
/// For trial t with scored history H (in trial-number order, `SearchSchedule` fixes which):
/// 1. if |H| < `startupTrials`: a random draw (as the random sampler, from trial t's own stream);
/// 2. split H by score (ties: lower trial number first; pruned trials after every complete one, those pruned
///    at a later step first, then by their last report — Optuna's order): the γ(|H|) best form B, the rest A;
/// 3. fit l = ParzenEstimator(B) and g = ParzenEstimator(A) over the unconditional parameters (jointly when
///    `multivariate`, else one pair per parameter); draw `candidates` points from l and keep the first
///    with the largest log l(x) − log g(x);
/// 4. each conditional parameter that is active for the chosen values gets its own univariate pair, fitted
///    on the trials of B and A in which it was active (Optuna samples parameters outside its multivariate
///    space independently in the same way).
///
/// Diverged trials score +∞ and so always fall in A. Where this differs from Optuna: trials in flight are
/// never seen (Optuna's default also ignores them, but which trials have finished when depends on timing;
/// here the history is fixed by trial number), and the random numbers are ours (SplitMix64 per trial).
public struct TPESampler: Sendable {
    /// The space searched.
    public let space: SearchSpace
    /// Its settings.
    public let options: TPEOptions

    /// A sampler over `space`.
    public init(space: SearchSpace, options: TPEOptions) {
        self.space = space
        self.options = options
    }

    /// The values of trial `trial` given its scored `history`.
    public func propose(trial: Int, seed: UInt64, history: [ScoredTrial]) -> SearchAssignment {
        var rng = SearchSeed.generator(seed: seed, trial: trial, stream: 3)
        if history.count < options.startupTrials { return space.randomAssignment(&rng) }
        let ranked = history.enumerated().sorted { ScoredTrial.isRankedBefore($0.element, $1.element) }
        let nBelow = options.gamma(history.count)
        let belowSet = Set(ranked.prefix(nBelow).map(\.offset))
        let below = history.indices.filter { belowSet.contains($0) }.map { history[$0] }
        let above = history.indices.filter { !belowSet.contains($0) }.map { history[$0] }

        let unconditional = space.parameters.filter { $0.condition == nil }
        let groups = options.multivariate ? [unconditional] : unconditional.map { [$0] }
        var chosen: SearchAssignment = [:]
        for group in groups where !group.isEmpty {
            chosen.merge(choose(group, below: below, above: above, rng: &rng)) { a, _ in a }
        }
        for p in space.parameters where p.condition != nil && space.isActive(p, in: chosen) {
            chosen.merge(choose([p], below: below, above: above, rng: &rng)) { a, _ in a }
        }
        return chosen
    }

    /// The best of `candidates` draws from l over `parameters`, by log l − log g.
    private func choose(_ parameters: [SearchParameter], below: [ScoredTrial], above: [ScoredTrial],
                        rng: inout SeededRandom) -> SearchAssignment {
        let axes = parameters.map { ParzenAxis($0.domain) }
        func observations(_ trials: [ScoredTrial]) -> [[Double]] {
            trials.compactMap { t in
                let values = parameters.map { t.assignment[$0.path] }
                guard values.allSatisfy({ $0 != nil }) else { return nil }
                return zip(axes, zip(values, parameters)).map { axis, vp in axis.coordinate(vp.0 ?? .null, choices: vp.1.choices) }
            }
        }
        let l = ParzenEstimator(axes: axes, observations: observations(below), options: options)
        let g = ParzenEstimator(axes: axes, observations: observations(above), options: options)
        var best: [Double] = [], bestScore = -Double.infinity
        for _ in 0..<options.candidates {
            let x = l.sample(&rng)
            let s = l.logDensity(x) - g.logDensity(x)
            if best.isEmpty || s > bestScore { best = x; bestScore = s }
        }
        var out: SearchAssignment = [:]
        for (p, x) in zip(parameters, best) { out[p.path] = p.value(atCoordinate: x) }
        return out
    }
}

extension SearchParameter {
    /// The categories of a categorical parameter (empty otherwise).
    var choices: [SpecValue] {
        if case let .categorical(c) = domain { return c }
        return []
    }

    /// The value at an internal coordinate of `ParzenAxis` (log scale for log domains, index for categories).
    func value(atCoordinate x: Double) -> SpecValue {
        switch domain {
        case let .uniform(low, high): return .number(min(high, max(low, x)))
        case let .logUniform(low, high): return .number(min(high, max(low, LibM.exp(x))))
        case let .integer(low, high, log): return .number(min(Double(high), max(Double(low), (log ? LibM.exp(x) : x).rounded())))
        case let .categorical(c): return c[min(c.count - 1, max(0, Int(x)))]
        }
    }
}
