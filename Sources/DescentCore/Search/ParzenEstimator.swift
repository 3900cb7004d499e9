/// One axis of a Parzen estimator, in the sampler's internal scale: log for log domains, the choice's index
/// for categories. Integers are discrete with step 1: their kernels live on [low − ½, high + ½] (in log
/// with `log`) and a draw is rounded to the nearest integer.
enum ParzenAxis: Sendable, Equatable {
    case continuous(low: Double, high: Double, log: Bool)
    case discrete(low: Int, high: Int, log: Bool)
    case categorical(count: Int)

    init(_ domain: SearchDomain) {
        switch domain {
        case let .uniform(low, high): self = .continuous(low: low, high: high, log: false)
        case let .logUniform(low, high): self = .continuous(low: low, high: high, log: true)
        case let .integer(low, high, log): self = .discrete(low: low, high: high, log: log)
        case let .categorical(choices): self = .categorical(count: choices.count)
        }
    }

    /// Bounds of the kernels, in the internal scale.
    var bounds: (low: Double, high: Double) {
        switch self {
        case let .continuous(low, high, log): log ? (LibM.log(low), LibM.log(high)) : (low, high)
        case let .discrete(low, high, log):
            log ? (LibM.log(Double(low) - 0.5), LibM.log(Double(high) + 0.5)) : (Double(low) - 0.5, Double(high) + 0.5)
        case let .categorical(count): (0, Double(count - 1))
        }
    }

    /// A value's internal coordinate (for categories: its index in `choices`).
    func coordinate(_ v: SpecValue, choices: [SpecValue]) -> Double {
        switch self {
        case let .continuous(_, _, log), let .discrete(_, _, log):
            let x = v.number ?? 0
            return log ? LibM.log(x) : x
        case .categorical: return Double(choices.firstIndex(of: v) ?? 0)
        }
    }
}

/// A mixture of product kernels over some axes: one kernel per observation plus one for the prior, as in
/// Optuna's `_ParzenEstimator` (whose defaults these are).
///
/// - Weights: `TPEOptions.weights(n)` for the n observations in trial-number order, then `priorWeight` for
///   the prior kernel, normalised to sum 1. With no observation, the prior alone.
/// - Numeric axes: a normal kernel at each observation μᵢ, truncated to the axis bounds [lo, hi]; the prior's
///   is at (lo + hi)/2 with σ = hi − lo. σᵢ is the larger distance from μᵢ to its neighbours among the sorted
///   observations with lo and hi as outer neighbours — except (endpoints not considered) the lowest and
///   highest observations take the distance to their inner neighbour — clipped to
///   [(hi − lo)/min(100, n + 2), hi − lo] (the "magic clip").
/// - Categorical axes: each observation's kernel gives its category 1 + w and every category w, with
///   w = priorWeight/(n + 1), normalised; the prior kernel is uniform.
struct ParzenEstimator: Sendable {
    let axes: [ParzenAxis]
    let logWeights: [Double]
    /// Per axis, per kernel: (μ, σ) for numeric axes, category probabilities for categorical ones.
    let mus: [[Double]], sigmas: [[Double]], categories: [[[Double]]]

    /// An estimator of `observations` (rows: one per trial, in trial-number order; columns: `axes`).
    init(axes: [ParzenAxis], observations: [[Double]], options: TPEOptions) {
        self.axes = axes
        let n = observations.count
        var w = n == 0 ? [1.0] : options.weights(n) + [options.priorWeight]
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        logWeights = w.map { $0 > 0 ? LibM.log($0) : -.infinity }
        var mus: [[Double]] = [], sigmas: [[Double]] = [], categories: [[[Double]]] = []
        for (j, axis) in axes.enumerated() {
            let column = observations.map { $0[j] }
            if case let .categorical(count) = axis {
                let base = options.priorWeight / Double(n + 1)
                var rows: [[Double]] = []
                for c in column {
                    var row = [Double](repeating: base, count: count)
                    row[Int(c)] += 1
                    rows.append(row.map { $0 / (1 + base * Double(count)) })
                }
                rows.append([Double](repeating: 1 / Double(count), count: count))
                categories.append(rows)
                mus.append([]); sigmas.append([])
            } else {
                let (lo, hi) = axis.bounds
                mus.append(column + [(lo + hi) / 2])
                sigmas.append(Self.bandwidths(column, lo: lo, hi: hi, options: options) + [hi - lo])
                categories.append([])
            }
        }
        self.mus = mus; self.sigmas = sigmas; self.categories = categories
    }

    private static func bandwidths(_ mu: [Double], lo: Double, hi: Double, options: TPEOptions) -> [Double] {
        let n = mu.count
        guard n > 0 else { return [] }
        let order = mu.indices.sorted { mu[$0] < mu[$1] || (mu[$0] == mu[$1] && $0 < $1) }
        var sorted: [Double] = [lo]
        for i in order { sorted.append(mu[i]) }
        sorted.append(hi)
        var s: [Double] = []
        for i in 1...n {
            let left: Double = sorted[i] - sorted[i - 1], right: Double = sorted[i + 1] - sorted[i]
            s.append(max(left, right))
        }
        if !options.considerEndpoints && n >= 2 {
            s[0] = sorted[2] - sorted[1]
            s[n - 1] = sorted[n] - sorted[n - 1]
        }
        let minSigma = options.considerMagicClip ? (hi - lo) / min(100, Double(n + 2)) : 1e-12
        var out = [Double](repeating: 0, count: n)
        for (rank, i) in order.enumerated() { out[i] = min(max(s[rank], minSigma), hi - lo) }
        return out
    }

    /// A draw: a kernel by weight, then each axis from that kernel (internal coordinates).
    func sample(_ rng: inout SeededRandom) -> [Double] {
        var u = rng.nextDouble(), k = logWeights.count - 1
        for (i, lw) in logWeights.enumerated() {
            let wi = LibM.exp(lw)
            if u < wi { k = i; break }
            u -= wi
        }
        return axes.enumerated().map { j, axis in
            let r = rng.nextDouble()
            if case .categorical = axis {
                var acc = 0.0
                for (c, p) in categories[j][k].enumerated() {
                    acc += p
                    if r < acc { return Double(c) }
                }
                return Double(categories[j][k].count - 1)
            }
            let (lo, hi) = axis.bounds
            let mu = mus[j][k], sigma = sigmas[j][k]
            let x = mu + sigma * NormalDistribution.truncatedSample((lo - mu) / sigma, (hi - mu) / sigma, u: r)
            guard case let .discrete(low, high, log) = axis else { return x }
            let v = (log ? LibM.exp(x) : x).rounded()
            let clipped = min(Double(high), max(Double(low), v))
            return log ? LibM.log(clipped) : clipped
        }
    }

    /// log of the mixture's density (mass, on discrete and categorical axes) at `x`.
    func logDensity(_ x: [Double]) -> Double {
        var terms = logWeights
        for (j, axis) in axes.enumerated() {
            if case .categorical = axis {
                for k in terms.indices { terms[k] += LibM.log(categories[j][k][Int(x[j])]) }
                continue
            }
            let (lo, hi) = axis.bounds
            for k in terms.indices {
                let mu = mus[j][k], sigma = sigmas[j][k]
                let norm = NormalDistribution.logMass((lo - mu) / sigma, (hi - mu) / sigma)
                if case let .discrete(_, _, log) = axis {
                    let v = log ? LibM.exp(x[j]) : x[j]
                    let a = log ? LibM.log(v - 0.5) : v - 0.5, b = log ? LibM.log(v + 0.5) : v + 0.5
                    terms[k] += NormalDistribution.logMass((a - mu) / sigma, (b - mu) / sigma) - norm
                } else {
                    terms[k] += NormalDistribution.logPDF((x[j] - mu) / sigma) - LibM.log(sigma) - norm
                }
            }
        }
        let m = terms.max() ?? -.infinity
        guard m.isFinite else { return m }
        return m + LibM.log(terms.reduce(0) { $0 + LibM.exp($1 - m) })
    }
}
