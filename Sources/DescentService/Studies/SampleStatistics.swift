/// The sample statistics the study summaries report: replicates' final losses, their per-step curves and the
/// leaderboard's steps to target.
///
/// The mean is the values summed left to right over n; the standard deviation is the sample one (n − 1) about that
/// mean, nil below two values; quantiles interpolate linearly between order statistics (numpy's default). Non-finite
/// values propagate. One place computes them so that every summary rounds alike.
enum SampleStatistics {
    /// The mean of `x`, summed left to right; NaN when `x` is empty.
    static func mean(_ x: [Double]) -> Double {
        x.reduce(0, +) / Double(x.count)
    }

    /// The sample standard deviation (n − 1) of `x` about its mean `mean`; nil below two values.
    static func standardDeviation(_ x: [Double], mean: Double) -> Double? {
        guard x.count > 1 else { return nil }
        return (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
    }

    /// The q-quantile of sorted, non-empty `x` by linear interpolation at position q·(n − 1).
    static func quantile(_ x: [Double], _ q: Double) -> Double {
        let h = q * Double(x.count - 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, x.count - 1)
        return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
    }
}
