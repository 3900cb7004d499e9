import DescentCore
import Foundation

/// Seed replicates of a search study's configurations (`replicates: k` in the study request).
///
/// Every source of randomness in a run — the dataset's draw, the initial parameters, the mini-batch order and
/// any gradient noise — follows from the spec's one `seed`, so replicates differ only in that seed. Replicate 0
/// runs the configuration's own seed s; replicate r ≥ 1 runs the r-th output of SplitMix64 (`SeededRandom`)
/// started at s, shifted right by 11 bits (so it is below 2⁵³, as spec seeds must be). The seeds depend only on
/// s and r, not on the trial: replicate r of every configuration sees the same data, start and batch order
/// (common random numbers), so differences between configurations are not differences between draws.
enum Replicates {
    /// Most replicates per configuration.
    static let maxCount = 100

    /// The seed of replicate `r` of a configuration whose spec has seed `base`.
    static func seed(base: UInt64, replicate r: Int) -> UInt64 {
        guard r > 0 else { return base }
        var random = SeededRandom(seed: base)
        var bits: UInt64 = 0
        for _ in 0..<r { bits = random.next() }
        return bits >> 11
    }

    /// `spec` with its seed replaced by replicate `r`'s.
    static func spec(_ spec: SpecValue, replicate r: Int) -> SpecValue {
        guard r > 0 else { return spec }
        var base: UInt64 = 0
        if case .object(let members) = spec, case .number(let s)? = members["seed"], s >= 0, s < 0x1p53 { base = UInt64(s) }
        return spec.setting([Substring("seed")][...], to: .number(Double(seed(base: base, replicate: r))))
    }
}

/// The spread of a configuration's replicates: final-loss statistics over its finished runs and the fraction
/// that reached a loss target.
///
/// Statistics are over the finite final losses: mean, sample standard deviation (n − 1; null below two runs),
/// median and interquartile range q₇₅ − q₂₅ (quantiles by linear interpolation between order statistics,
/// numpy's default), min and max. A diverged run (non-finite final loss) counts in `runs` and `diverged` and
/// as a failure to reach the target.
struct ReplicateAggregate: Encodable, Equatable {
    /// Finished runs (succeeded or diverged).
    var runs: Int
    /// Of which diverged.
    var diverged: Int
    var finalLossMean: Double?
    var finalLossStd: Double?
    var finalLossMedian: Double?
    var finalLossIqr: Double?
    var finalLossMin: Double?
    var finalLossMax: Double?
    /// The target used for `successRate` (the objective's, else the study's `loss_target`).
    var target: Double?
    /// Fraction of finished runs whose final loss is at most `target`; null without a target or runs.
    var successRate: Double?

    /// The aggregate of these final losses (one per finished run).
    init(finalLosses: [Double], target: Double?) {
        runs = finalLosses.count
        let finite = finalLosses.filter(\.isFinite).sorted()
        diverged = runs - finite.count
        self.target = target
        if let target, runs > 0 { successRate = Double(finite.count { $0 <= target }) / Double(runs) }
        guard let first = finite.first, let last = finite.last else { return }
        let mean = SampleStatistics.mean(finite)
        finalLossMean = mean
        finalLossStd = SampleStatistics.standardDeviation(finite, mean: mean)
        finalLossMedian = SampleStatistics.quantile(finite, 0.5)
        finalLossIqr = SampleStatistics.quantile(finite, 0.75) - SampleStatistics.quantile(finite, 0.25)
        finalLossMin = first
        finalLossMax = last
    }

    /// The aggregate of finished runs' final losses; a run without a summary counts as diverged.
    init(finishedRuns runs: [some RunStatusAndSummary], target: Double?) {
        self.init(finalLosses: runs.map { $0.summary?.finalLoss ?? .infinity }, target: target)
    }

    /// The runs among `ids` that have a final loss to aggregate (succeeded or diverged), in the order of `ids`.
    static func finishedRuns<Run: RunStatusAndSummary>(_ ids: [String], in runs: [String: Run]) -> [Run] {
        ids.compactMap { runs[$0] }.filter { $0.status == .succeeded || $0.status == .diverged }
    }

    enum CodingKeys: String, CodingKey {
        case runs, diverged, finalLossMean, finalLossStd, finalLossMedian, finalLossIqr, finalLossMin, finalLossMax, target, successRate
    }

    // Every key is written, null when unknown.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runs, forKey: .runs); try c.encode(diverged, forKey: .diverged)
        try c.encode(finalLossMean, forKey: .finalLossMean); try c.encode(finalLossStd, forKey: .finalLossStd)
        try c.encode(finalLossMedian, forKey: .finalLossMedian); try c.encode(finalLossIqr, forKey: .finalLossIqr)
        try c.encode(finalLossMin, forKey: .finalLossMin); try c.encode(finalLossMax, forKey: .finalLossMax)
        try c.encode(target, forKey: .target); try c.encode(successRate, forKey: .successRate)
    }
}
