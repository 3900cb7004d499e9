/// Per-feature standardisation x ↦ (x − mean) / std with statistics from a training set.
///
/// Uses the population (biased, divide-by-n) standard deviation, as scikit-learn's
/// `StandardScaler` does. A feature whose standard deviation is zero — or only rounding noise,
/// at most 1e-12·max(1, |mean|) — gets a divisor of 1, so constant features become 0 rather
/// than NaN or huge values.
public struct FeatureNormalizer: Sendable, Equatable {
    /// Mean of each feature over the fitted dataset.
    public let means: [Double]
    /// Divisor of each feature: the population standard deviation, or 1 when that is zero.
    public let standardDeviations: [Double]

    /// Fits means and standard deviations to `dataset` (an empty dataset gives means 0, stds 1).
    public init(fitting dataset: Dataset) {
        let n = dataset.sampleCount
        let d = dataset.featureCount
        var means = [Double](repeating: 0, count: d)
        var stds = [Double](repeating: 1, count: d)
        if n > 0 {
            let x = dataset.features.storage
            for i in 0..<n {
                for j in 0..<d { means[j] += x[i * d + j] }
            }
            for j in 0..<d { means[j] /= Double(n) }
            var squares = [Double](repeating: 0, count: d)
            for i in 0..<n {
                for j in 0..<d {
                    let deviation = x[i * d + j] - means[j]
                    squares[j] += deviation * deviation
                }
            }
            for j in 0..<d {
                let std = (squares[j] / Double(n)).squareRoot()
                stds[j] = std > 1e-12 * max(1, abs(means[j])) ? std : 1
            }
        }
        self.means = means
        self.standardDeviations = stds
    }

    /// `dataset` with every feature standardised by the fitted statistics; targets unchanged.
    public func apply(_ dataset: Dataset) -> Dataset {
        let d = dataset.featureCount
        precondition(d == means.count, "feature count differs from the fitted dataset")
        var result = dataset
        for i in 0..<dataset.sampleCount {
            for j in 0..<d {
                result.features.storage[i * d + j] = (dataset.features.storage[i * d + j] - means[j]) / standardDeviations[j]
            }
        }
        return result
    }
}
