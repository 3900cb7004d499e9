/// Splits the training samples into batches, reshuffled every epoch.
///
/// Full batch when `batchSize` is nil or ≥ the sample count. Otherwise epoch e visits the
/// samples in the order obtained by Fisher–Yates (`SeededRandom.shuffle`) applied to 0..<N with
/// a generator seeded by `(seed ^ 0xB47C_4E55_5348_5546) &+ e`, so the order depends only on
/// (seed, epoch) and is the same on every platform. The last, smaller batch is kept unless
/// `dropLast` (then ⌊N/B⌋ batches per epoch).
public struct Batcher: Sendable {
    /// N.
    public let sampleCount: Int
    /// B, or nil for full batch.
    public let batchSize: Int?
    /// Drop the last partial batch.
    public let dropLast: Bool
    /// Seed of the shuffles.
    public let seed: UInt64
    /// This epoch's sample order.
    public private(set) var order: [Int]

    /// Creates a batcher; call `startEpoch(_:)` before taking batches.
    public init(sampleCount: Int, batchSize: Int?, dropLast: Bool = false, seed: UInt64) {
        self.sampleCount = sampleCount
        self.batchSize = batchSize.flatMap { $0 >= sampleCount ? nil : $0 }
        self.dropLast = dropLast
        self.seed = seed
        order = Array(0..<sampleCount)
    }

    /// Whether every step uses all samples.
    public var isFullBatch: Bool { batchSize == nil }

    /// Batches (optimizer updates) per epoch: 1 for full batch, else ⌈N/B⌉ (⌊N/B⌋ with dropLast).
    public var batchesPerEpoch: Int {
        Self.batchesPerEpoch(sampleCount: sampleCount, batchSize: batchSize, dropLast: dropLast)
    }

    /// Batches per epoch of N = `sampleCount` samples in batches of B = `batchSize`: 1 when B is nil or
    /// B ≥ N, else ⌈N/B⌉ (⌊N/B⌋ with `dropLast`).
    public static func batchesPerEpoch(sampleCount: Int, batchSize: Int?, dropLast: Bool) -> Int {
        guard let b = batchSize, b > 0, b < sampleCount else { return 1 }
        return dropLast ? sampleCount / b : (sampleCount + b - 1) / b
    }

    /// Reorders the samples for epoch `epoch` (no effect for full batch).
    public mutating func startEpoch(_ epoch: Int) {
        guard batchSize != nil else { return }
        for i in 0..<sampleCount { order[i] = i }
        var random = SeededRandom(seed: (seed ^ 0xB47C_4E55_5348_5546) &+ UInt64(epoch))
        random.shuffle(&order)
    }

    /// The `index`-th batch of the current epoch.
    public func batch(_ index: Int) -> Batch {
        guard let b = batchSize else { return .full }
        let start = index * b
        return .indices(order[start..<min(start + b, sampleCount)])
    }
}
