/// The statistics of one hidden layer's pre-activations at one evaluation of an MLP run
/// (`"analysis": {"layer_stats": true}`): the drift of these distributions as the layers below learn is the
/// internal covariate shift that batch normalisation removes.
///
/// Recorded at each evaluation (step 0, each epoch's end or every `evaluation.every` steps) over the full
/// training set in inference mode, so the records read θ and the running statistics only and the run is the
/// same with or without them. Mean and standard deviation pool every unit of the layer and every sample; the
/// standard deviation is the population one (divided by the count).
public struct LayerStatsRecord: Sendable, Equatable, Codable {
    /// Optimizer step of the evaluation.
    public var step: Int
    /// Hidden layer, 0 for the first.
    public var layer: Int
    /// Mean of the affine outputs a = W·h + b (before batch normalisation when it is on).
    public var mean: Double
    /// Standard deviation of the affine outputs.
    public var std: Double
    /// With batch norm: mean of γx̂ + β, the input of the activation (normalised by the running statistics);
    /// nil without batch norm.
    public var normalizedMean: Double?
    /// With batch norm: standard deviation of γx̂ + β; nil without batch norm.
    public var normalizedStd: Double?

    /// Creates a record.
    public init(step: Int, layer: Int, mean: Double, std: Double, normalizedMean: Double? = nil, normalizedStd: Double? = nil) {
        self.step = step; self.layer = layer; self.mean = mean; self.std = std
        self.normalizedMean = normalizedMean; self.normalizedStd = normalizedStd
    }

    /// One record per hidden layer of `objective` at `theta` with `buffers` as running statistics; none for
    /// objectives without hidden layers.
    static func measure<O: Objective>(_ objective: O, at theta: [Double], buffers: [Double], step: Int) -> [LayerStatsRecord] {
        guard let mlp = objective as? MLPObjective else { return [] }
        return mlp.hiddenLayerStatistics(at: theta, buffers: buffers).enumerated().map { l, s in
            LayerStatsRecord(step: step, layer: l, mean: s.mean, std: s.std, normalizedMean: s.normalizedMean,
                             normalizedStd: s.normalizedStd)
        }
    }
}

extension MLPObjective {
    /// Per hidden layer, the mean and population standard deviation of the affine outputs over every unit and
    /// every training sample in inference mode (running statistics `buffers`, or the initial ones when their
    /// count is wrong), and with batch norm those of γx̂ + β.
    func hiddenLayerStatistics(at theta: [Double], buffers: [Double])
        -> [(mean: Double, std: Double, normalizedMean: Double?, normalizedStd: Double?)] {
        let statistics = buffers.count == bufferCount ? buffers : initialBuffers()
        let rows = SampleRows(.full, total: sampleCount)
        var workspace = MLPPass<Double>(architecture, batchSize: rows.count)
        var noGradient: [Double] = []
        _ = workspace.run(theta: theta, data: trainingData, rows: rows, mode: .runningStatistics(statistics),
                          gradient: &noGradient)
        let b = rows.count
        return architecture.layers.indices.dropLast().map { l in
            let layer = architecture.layers[l]
            let n = layer.outputs, start = workspace.blockOffset(l), count = b * n
            let (mean, std) = Self.moments(count: count) { workspace.affine[start + $0] }
            guard let gamma = layer.gamma, let beta = layer.beta, !workspace.normalized.isEmpty else {
                return (mean, std, nil, nil)
            }
            let (nm, ns) = Self.moments(count: count) { k in
                let o = k % n
                return theta[gamma + o] * workspace.normalized[start + k] + theta[beta + o]
            }
            return (mean, std, nm, ns)
        }
    }

    /// Mean and population standard deviation of `count` values (two passes); 0 and 0 for none.
    private static func moments(count: Int, _ value: (Int) -> Double) -> (Double, Double) {
        guard count > 0 else { return (0, 0) }
        var sum = 0.0
        for k in 0..<count { sum += value(k) }
        let mean = sum / Double(count)
        var squares = 0.0
        for k in 0..<count { let d = value(k) - mean; squares += d * d }
        return (mean, (squares / Double(count)).squareRoot())
    }
}
