/// A table of samples: one feature row per sample and one target per sample.
///
/// Regression targets are real numbers (`classCount == 0`); classification targets hold the
/// class index 0..<classCount as a Double.
public struct Dataset: Sendable, Equatable {
    /// Feature matrix, one row per sample.
    public var features: Matrix
    /// One target per sample.
    public var targets: [Double]
    /// Number of classes; 0 for regression.
    public var classCount: Int

    /// Creates a dataset; `targets.count` must equal `features.rows`.
    public init(features: Matrix, targets: [Double], classCount: Int) {
        precondition(targets.count == features.rows, "one target per feature row")
        self.features = features
        self.targets = targets
        self.classCount = classCount
    }

    /// Number of samples (rows).
    public var sampleCount: Int { features.rows }

    /// Number of features (columns).
    public var featureCount: Int { features.columns }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        let d = featureCount
        var storage = [Double]()
        storage.reserveCapacity(indices.count * d)
        var picked = [Double]()
        picked.reserveCapacity(indices.count)
        for i in indices {
            storage.append(contentsOf: features.storage[(i * d)..<((i + 1) * d)])
            picked.append(targets[i])
        }
        var matrix = Matrix(rows: indices.count, columns: d)
        matrix.storage = storage
        return Dataset(features: matrix, targets: picked, classCount: classCount)
    }

    /// How many of `samples` samples `split(validationFraction:seed:)` holds out: round(fraction · n), the
    /// fraction clamped to [0, 1], keeping at least one training sample.
    public static func validationCount(samples n: Int, fraction validationFraction: Double) -> Int {
        let fraction = validationFraction.isFinite ? min(max(validationFraction, 0), 1) : 0
        return min(Int((fraction * Double(n)).rounded()), max(n - 1, 0))
    }

    /// Splits the samples into training and validation parts by a seeded shuffle.
    ///
    /// The sample indices are shuffled with `SeededRandom(seed:)` (Fisher–Yates); the first
    /// `round(validationFraction · n)` shuffled indices form the validation part, the rest the
    /// training part. Each part keeps the original sample order. The fraction is clamped to
    /// [0, 1] and at least one training sample is kept when the dataset is not empty.
    /// - Parameters:
    ///   - validationFraction: share of samples that go to validation, in [0, 1).
    ///   - seed: seed of the shuffle; the same seed gives the same split on every platform.
    /// - Returns: the training and validation datasets.
    public func split(validationFraction: Double, seed: UInt64) -> (training: Dataset, validation: Dataset) {
        let n = sampleCount
        let validationCount = Self.validationCount(samples: n, fraction: validationFraction)
        var order = Array(0..<n)
        var rng = SeededRandom(seed: seed)
        rng.shuffle(&order)
        let validation = order[..<validationCount].sorted()
        let training = order[validationCount...].sorted()
        return (subset(training), subset(validation))
    }
}
