/// The recorded path of a run, stored as columns (8 bytes per recorded value).
public struct Trajectory: Sendable, Equatable, Codable {
    /// Number of parameters per params row.
    public var dimension: Int
    /// Optimizer step of each row (0 = before the first update).
    public var step: [Int]
    /// Epoch of each row (0 for objectives without data).
    public var epoch: [Int]
    /// Learning rate used at that step.
    public var lr: [Double]
    /// Batch loss at that step (training mode).
    public var loss: [Double]
    /// Euclidean norm of the batch gradient at that step.
    public var gradNorm: [Double]
    /// Parameters before the step's update, `dimension` values per row; empty when not recorded.
    public var params: [Double]
    /// One record per completed epoch (dataset objectives only).
    public var epochs: [EpochRecord]
    /// Sharpness records, every `sharpness_every` steps and at the final point (empty unless asked for).
    public var sharpness: [SharpnessRecord] = []
    /// Per-hidden-layer pre-activation statistics at every evaluation (`analysis.layer_stats`; empty unless asked for).
    public var layerStats: [LayerStatsRecord] = []
    /// Names of the optimizer-internals columns (`record_internals`; empty unless asked for), see `OptimizerInternals`.
    public var internalNames: [String] = []
    /// The internals, `internalNames.count` values per row (row-major); empty unless recorded.
    public var internals: [Double] = []

    /// An empty trajectory for `dimension` parameters.
    public init(dimension: Int) {
        self.dimension = dimension
        step = []; epoch = []; lr = []; loss = []; gradNorm = []; params = []; epochs = []
    }

    /// Number of rows.
    public var count: Int { step.count }

    /// Reserves room for `rows` rows (and their params when `withParams`).
    public mutating func reserve(rows: Int, withParams: Bool) {
        step.reserveCapacity(rows); epoch.reserveCapacity(rows); lr.reserveCapacity(rows)
        loss.reserveCapacity(rows); gradNorm.reserveCapacity(rows)
        if withParams { params.reserveCapacity(rows * dimension) }
        internals.reserveCapacity(rows * internalNames.count)
    }

    /// Rows `from..<count` (and epoch records from `epochsFrom`) as a new trajectory.
    public func suffix(fromRow from: Int, epochsFrom: Int) -> Trajectory {
        var part = Trajectory(dimension: dimension)
        part.step = Array(step[from...]); part.epoch = Array(epoch[from...]); part.lr = Array(lr[from...])
        part.loss = Array(loss[from...]); part.gradNorm = Array(gradNorm[from...])
        if !params.isEmpty { part.params = Array(params[(from * dimension)...]) }
        part.internalNames = internalNames
        if !internals.isEmpty { part.internals = Array(internals[(from * internalNames.count)...]) }
        part.epochs = Array(epochs[epochsFrom...])
        return part
    }

    /// Rows `range` as a new trajectory, without epoch records; columns that are empty (not recorded, or
    /// not decoded) stay empty.
    public func rows(_ range: Range<Int>) -> Trajectory {
        var part = Trajectory(dimension: dimension)
        if !step.isEmpty { part.step = Array(step[range]) }
        if !epoch.isEmpty { part.epoch = Array(epoch[range]) }
        if !lr.isEmpty { part.lr = Array(lr[range]) }
        if !loss.isEmpty { part.loss = Array(loss[range]) }
        if !gradNorm.isEmpty { part.gradNorm = Array(gradNorm[range]) }
        if !params.isEmpty { part.params = Array(params[(range.lowerBound * dimension)..<(range.upperBound * dimension)]) }
        part.internalNames = internalNames
        let k = internalNames.count
        if !internals.isEmpty { part.internals = Array(internals[(range.lowerBound * k)..<(range.upperBound * k)]) }
        return part
    }

    /// The optimizer internals of row `row` (empty when not recorded).
    public func internals(atRow row: Int) -> ArraySlice<Double> {
        let k = internalNames.count
        return internals.isEmpty ? [] : internals[(row * k)..<((row + 1) * k)]
    }

    /// The column of internal `name` (empty when not recorded).
    public func internalColumn(_ name: String) -> [Double] {
        guard let j = internalNames.firstIndex(of: name), !internals.isEmpty else { return [] }
        let k = internalNames.count
        return stride(from: j, to: internals.count, by: k).map { internals[$0] }
    }

    /// Parameters of row `row` (empty when params were not recorded).
    public func parameters(atRow row: Int) -> ArraySlice<Double> {
        params.isEmpty ? [] : params[(row * dimension)..<((row + 1) * dimension)]
    }

    private enum CodingKeys: String, CodingKey {
        case dimension, step, epoch, lr, loss, gradNorm, params, epochs, sharpness, layerStats, internalNames, internals
    }

    /// Decodes a trajectory; `sharpness`, `layerStats` and the internals may be absent (runs without them).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dimension = try c.decode(Int.self, forKey: .dimension)
        step = try c.decode([Int].self, forKey: .step); epoch = try c.decode([Int].self, forKey: .epoch)
        lr = try c.decode([Double].self, forKey: .lr); loss = try c.decode([Double].self, forKey: .loss)
        gradNorm = try c.decode([Double].self, forKey: .gradNorm); params = try c.decode([Double].self, forKey: .params)
        epochs = try c.decode([EpochRecord].self, forKey: .epochs)
        sharpness = try c.decodeIfPresent([SharpnessRecord].self, forKey: .sharpness) ?? []
        layerStats = try c.decodeIfPresent([LayerStatsRecord].self, forKey: .layerStats) ?? []
        internalNames = try c.decodeIfPresent([String].self, forKey: .internalNames) ?? []
        internals = try c.decodeIfPresent([Double].self, forKey: .internals) ?? []
    }

    /// Encodes every column; `sharpness`, `layerStats` and the internals only when there are any, so runs without them
    /// print as before.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dimension, forKey: .dimension)
        try c.encode(step, forKey: .step); try c.encode(epoch, forKey: .epoch); try c.encode(lr, forKey: .lr)
        try c.encode(loss, forKey: .loss); try c.encode(gradNorm, forKey: .gradNorm); try c.encode(params, forKey: .params)
        try c.encode(epochs, forKey: .epochs)
        if !sharpness.isEmpty { try c.encode(sharpness, forKey: .sharpness) }
        if !layerStats.isEmpty { try c.encode(layerStats, forKey: .layerStats) }
        if !internalNames.isEmpty {
            try c.encode(internalNames, forKey: .internalNames); try c.encode(internals, forKey: .internals)
        }
    }
}

/// Losses at the end of one epoch, in inference mode.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 0-based epoch number.
    public var epoch: Int
    /// Optimizer steps done when the epoch ended.
    public var step: Int
    /// Loss over the whole training set.
    public var trainLoss: Double
    /// Loss over the validation set, if there is one.
    public var validationLoss: Double?
    /// Validation accuracy, for classifiers with a validation set.
    public var validationAccuracy: Double?

    /// Creates an epoch record.
    public init(epoch: Int, step: Int, trainLoss: Double, validationLoss: Double?, validationAccuracy: Double?) {
        self.epoch = epoch; self.step = step; self.trainLoss = trainLoss
        self.validationLoss = validationLoss; self.validationAccuracy = validationAccuracy
    }
}
