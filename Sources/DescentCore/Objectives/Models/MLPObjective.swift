/// A fully connected network input → hidden… → output with tanh or ReLU hidden layers and
/// optional batch normalisation after each hidden affine map (before the activation).
///
/// Output and loss follow the training set's `classCount`: 0 → one output with mean squared
/// error; 1 or 2 → one logit with stable binary cross-entropy; K > 2 → K logits with softmax
/// cross-entropy. Losses are means over the batch.
///
/// Parameter layout, layer by layer: W (outputs×inputs, row-major), b, then for batch-normalised
/// hidden layers γ and β. Buffers: per batch-normalised hidden layer the running mean then the
/// running variance (see `BatchNormOptions` for the update rule).
///
/// Modes: `trainingStep` uses batch statistics and updates the buffers. Everything else —
/// `value`, `valueAndGradient`, `hessian`, `hessianVectorProduct` and `evaluate` — is the
/// inference-mode loss, normalising with running statistics (`runningStatistics` of the
/// objective, or the `buffers` passed to `evaluate`). The Hessian and Hessian-vector products
/// are those of the inference-mode loss over all training samples, computed exactly by running
/// the backward pass on dual numbers (forward-over-reverse).
public struct MLPObjective: Objective {
    /// Samples the loss is trained on; batches index into it.
    public let training: Dataset
    /// Held-out samples for `evaluate(split: .validation)`.
    public let validation: Dataset?
    /// Widths of the hidden layers.
    public let hiddenLayers: [Int]
    /// Hidden nonlinearity.
    public let activation: Activation
    /// Batch-normalisation options; nil for none.
    public let batchNorm: BatchNormOptions?
    /// Running statistics used by `value`, gradients and Hessians (initially means 0, variances 1).
    public var runningStatistics: [Double]
    let architecture: MLPArchitecture
    let trainingData: ModelData
    private let validationData: ModelData?

    /// An MLP on `training` with the given hidden widths, activation and batch normalisation.
    public init(
        training: Dataset, validation: Dataset? = nil, hiddenLayers: [Int],
        activation: Activation = .tanh, batchNorm: BatchNormOptions? = nil
    ) {
        self.training = training
        self.validation = validation
        self.hiddenLayers = hiddenLayers
        self.activation = activation
        self.batchNorm = batchNorm
        architecture = MLPArchitecture(
            inputs: training.featureCount, hidden: hiddenLayers, classCount: training.classCount,
            activation: activation, batchNorm: batchNorm)
        runningStatistics = architecture.initialBuffers()
        let classes = training.classCount > 2 ? training.classCount : 0
        func data(_ set: Dataset) -> ModelData {
            ModelData(features: set.features.storage, targets: set.targets,
                      labels: classes > 0 ? classLabels(set.targets, classes: classes) : [])
        }
        trainingData = data(training)
        validationData = validation.map(data)
    }

    /// This objective with `statistics` as the running statistics used in inference mode.
    public func withRunningStatistics(_ statistics: [Double]) -> MLPObjective {
        var copy = self
        if statistics.count == architecture.bufferCount { copy.runningStatistics = statistics }
        return copy
    }

    /// Number of parameters.
    public var dimension: Int { architecture.parameterCount }
    /// Number of training samples.
    public var sampleCount: Int { training.sampleCount }
    /// input, hidden…, output widths.
    public var layerSizes: [Int]? { architecture.layerSizes }
    /// Two values (running mean, running variance) per batch-normalised hidden unit.
    public var bufferCount: Int { architecture.bufferCount }

    /// Seeded Glorot-uniform (tanh) or He-normal (ReLU) weights, zero biases, γ = 1, β = 0.
    public func initialParameters(seed: UInt64) -> [Double] { architecture.initialParameters(seed: seed) }

    /// Running means 0, running variances 1.
    public func initialBuffers() -> [Double] { architecture.initialBuffers() }

    /// Inference-mode loss over `batch`.
    public func value(at theta: [Double], batch: Batch) -> Double {
        var noGradient: [Double] = []
        return pass(theta, trainingData, SampleRows(batch, total: sampleCount), .runningStatistics(runningStatistics), &noGradient).loss
    }

    /// Inference-mode loss over `batch` and its exact gradient.
    public func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double {
        resetGradient(&gradient, count: dimension)
        return pass(theta, trainingData, SampleRows(batch, total: sampleCount), .runningStatistics(runningStatistics), &gradient).loss
    }

    /// Training-mode loss and gradient (batch statistics, back-propagated through them); updates
    /// the moving averages in `buffers` (reset to the initial values if their count is wrong).
    public func trainingStep(at theta: [Double], batch: Batch, buffers: inout [Double], gradient: inout [Double]) -> Double {
        guard let options = batchNorm else {
            return valueAndGradient(at: theta, batch: batch, gradient: &gradient)
        }
        resetGradient(&gradient, count: dimension)
        if buffers.count != bufferCount { buffers = initialBuffers() }
        let rows = SampleRows(batch, total: sampleCount)
        var workspace = MLPPass<Double>(architecture, batchSize: rows.count)
        let loss = workspace.run(theta: theta, data: trainingData, rows: rows, mode: .batchStatistics, gradient: &gradient).loss
        guard rows.count > 0 else { return loss }
        let p = options.momentum
        let correction = rows.count > 1 ? Double(rows.count) / Double(rows.count - 1) : 1
        for (l, layer) in architecture.layers.enumerated() {
            guard let mean = layer.runningMean else { continue }
            let f = workspace.featureOffset(l), n = layer.outputs
            for o in 0..<n {
                buffers[mean + o] = p * buffers[mean + o] + (1 - p) * workspace.batchMean[f + o]
                buffers[mean + n + o] = p * buffers[mean + n + o] + (1 - p) * workspace.batchVariance[f + o] * correction
            }
        }
        return loss
    }

    /// Exact Hessian of the inference-mode loss over all training samples: one dual-number
    /// pass per unit vector, then symmetrised (averaged with its transpose) against rounding.
    public func hessian(at theta: [Double]) -> Matrix {
        let n = dimension
        var h = Matrix(rows: n, columns: n)
        var workspace = MLPPass<DualNumber>(architecture, batchSize: sampleCount)
        var direction = [Double](repeating: 0, count: n)
        for j in 0..<n {
            direction[j] = 1
            let column = hessianVectorProduct(theta, direction, &workspace)
            direction[j] = 0
            for i in 0..<n { h[i, j] = column[i] }
        }
        for i in 0..<n {
            for j in (i + 1)..<n {
                let mean = 0.5 * (h[i, j] + h[j, i])
                h[i, j] = mean
                h[j, i] = mean
            }
        }
        return h
    }

    /// Exact H(θ)·v of the inference-mode loss over all training samples (forward-over-reverse).
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] {
        var workspace = MLPPass<DualNumber>(architecture, batchSize: sampleCount)
        return hessianVectorProduct(theta, v, &workspace)
    }

    /// Inference-mode loss on the split with `buffers` as running statistics, plus accuracy for
    /// classifiers; nil when the split has no samples.
    public func evaluate(at theta: [Double], buffers: [Double], split: DataSplit) -> Evaluation? {
        guard let set = splitData(split, training: training, validation: validation) else { return nil }
        let data = split == .training ? trainingData : (validationData ?? trainingData)
        let statistics = buffers.count == bufferCount ? buffers : initialBuffers()
        var noGradient: [Double] = []
        let result = pass(theta, data, SampleRows(.full, total: set.sampleCount), .runningStatistics(statistics), &noGradient)
        let accuracy = training.classCount > 0 ? Double(result.correct) / Double(set.sampleCount) : nil
        return Evaluation(loss: result.loss, accuracy: accuracy)
    }

    /// One Double pass: the fused pass where it applies (no batch norm, one output), else a fresh workspace.
    private func pass(
        _ theta: [Double], _ data: ModelData, _ rows: SampleRows, _ mode: NormalizationMode, _ gradient: inout [Double]
    ) -> (loss: Double, correct: Int) {
        if MLPFusedPass.handles(architecture) {
            return MLPFusedPass(architecture: architecture).run(theta: theta, data: data, rows: rows, gradient: &gradient)
        }
        var workspace = MLPPass<Double>(architecture, batchSize: rows.count)
        return workspace.run(theta: theta, data: data, rows: rows, mode: mode, gradient: &gradient)
    }

    /// The tangent of the gradient at θ + εv, i.e. H·v.
    private func hessianVectorProduct(_ theta: [Double], _ v: [Double], _ workspace: inout MLPPass<DualNumber>) -> [Double] {
        precondition(v.count == dimension, "direction has the wrong dimension")
        let dualTheta = (0..<dimension).map { DualNumber(theta[$0], v[$0]) }
        var gradient = [DualNumber](repeating: DualNumber(constant: 0), count: dimension)
        _ = workspace.run(
            theta: dualTheta, data: trainingData, rows: SampleRows(.full, total: sampleCount),
            mode: .runningStatistics(runningStatistics), gradient: &gradient)
        return gradient.map(\.tangent)
    }
}
