/// How a forward pass normalises batch-normalised hidden layers.
enum NormalizationMode {
    /// Training mode: batch mean and biased batch variance (gradients flow through them).
    case batchStatistics
    /// Inference mode: the given running means and variances (constants).
    case runningStatistics([Double])
}

/// The samples a pass runs on: row-major features, targets and class labels.
struct ModelData {
    /// Row-major features.
    let features: [Double]
    /// Targets (real values or 0/1).
    let targets: [Double]
    /// Class labels for softmax outputs; empty otherwise.
    let labels: [Int]
}

/// Workspace and code of one MLP forward + backward pass over a batch, generic over the scalar
/// so the same code yields gradients (`Double`) and exact Hessian-vector products (`DualNumber`).
///
/// All arrays are allocated once per pass for the batch size B; nothing is allocated per sample.
/// Per-sample arrays are row-major B×width, layer after layer.
struct MLPPass<T: ModelScalar> {
    /// The network's shapes and layout.
    let architecture: MLPArchitecture
    /// Number of samples B per pass.
    let batchSize: Int
    /// Offsets of each layer's B×width block in `affine`, `normalized` and `activated`.
    private let blockOffsets: [Int]
    /// Offsets of each layer's width-long block in the per-feature arrays.
    private let featureOffsets: [Int]
    /// Input rows, B×d.
    var input: [T]
    /// Affine outputs a = W·h + b of every layer (the last layer's are the model outputs).
    var affine: [T]
    /// x̂ of batch-normalised layers.
    var normalized: [T]
    /// Hidden activations h = act(γx̂ + β) (or act(a) without batch norm).
    var activated: [T]
    /// Per-feature batch means, biased batch variances and 1/√(σ² + ε) of normalised layers.
    var batchMean: [T], batchVariance: [T], inverseStd: [T]
    /// Softmax probabilities in the same layout as `affine`, filled in the output block only
    /// (softmax outputs only).
    var probabilities: [T]
    /// Backward buffers, B×(widest layer): ∂L/∂a of the current layer and of the one below.
    var delta: [T], deltaNext: [T]

    /// A workspace for batches of `batchSize` samples.
    init(_ architecture: MLPArchitecture, batchSize: Int) {
        self.architecture = architecture
        self.batchSize = batchSize
        var blocks: [Int] = [], features: [Int] = []
        var block = 0, feature = 0
        for layer in architecture.layers {
            blocks.append(block); features.append(feature)
            block += batchSize * layer.outputs
            feature += layer.outputs
        }
        blockOffsets = blocks
        featureOffsets = features
        let zero = T(constant: 0)
        let widest = architecture.layerSizes.max() ?? 0
        input = [T](repeating: zero, count: batchSize * architecture.layerSizes[0])
        affine = [T](repeating: zero, count: block)
        activated = [T](repeating: zero, count: block)
        let norm = architecture.batchNorm != nil
        normalized = [T](repeating: zero, count: norm ? block : 0)
        batchMean = [T](repeating: zero, count: norm ? feature : 0)
        batchVariance = batchMean
        inverseStd = batchMean
        probabilities = [T](repeating: zero, count: architecture.loss == .softmaxCrossEntropy ? block : 0)
        delta = [T](repeating: zero, count: batchSize * widest)
        deltaNext = delta
    }

    /// Offset of layer l's B×width block.
    func blockOffset(_ l: Int) -> Int { blockOffsets[l] }
    /// Offset of layer l's per-feature block.
    func featureOffset(_ l: Int) -> Int { featureOffsets[l] }

    /// Runs forward and, when `gradient` is not empty, backward over `rows` of `data`.
    /// - Returns: the mean loss and the number of correctly classified samples.
    mutating func run(
        theta: [T], data: ModelData, rows: SampleRows, mode: NormalizationMode, gradient: inout [T]
    ) -> (loss: T, correct: Int) {
        precondition(rows.count == batchSize, "workspace sized for another batch")
        let d = architecture.layerSizes[0]
        for b in 0..<batchSize {
            let base = rows[b] * d
            for j in 0..<d { input[b * d + j] = T(constant: data.features[base + j]) }
        }
        for l in architecture.layers.indices { forward(layer: l, theta: theta, mode: mode) }
        let result = outputLoss(data: data, rows: rows, computeDelta: !gradient.isEmpty)
        if !gradient.isEmpty { backward(theta: theta, mode: mode, gradient: &gradient) }
        return result
    }

    /// Affine map, then (hidden layers) batch normalisation and the activation.
    private mutating func forward(layer l: Int, theta: [T], mode: NormalizationMode) {
        let layer = architecture.layers[l]
        let n = layer.outputs, out = blockOffsets[l]
        // The source is passed by value so no reference to `activated` outlives the call below.
        affineMap(layer: l, theta: theta, source: l == 0 ? input : activated, sourceOffset: l == 0 ? 0 : blockOffsets[l - 1])
        guard l < architecture.layers.count - 1 else { return }
        if let gamma = layer.gamma, let beta = layer.beta, let options = architecture.batchNorm {
            normalize(layer: l, mode: mode, epsilon: options.epsilon)
            for b in 0..<batchSize {
                for o in 0..<n {
                    let k = out + b * n + o
                    activated[k] = activate(theta[gamma + o] * normalized[k] + theta[beta + o])
                }
            }
        } else {
            for k in out..<(out + batchSize * n) { activated[k] = activate(affine[k]) }
        }
    }

    /// a = W·h + b for every sample of the batch.
    private mutating func affineMap(layer l: Int, theta: [T], source: [T], sourceOffset: Int) {
        let layer = architecture.layers[l]
        let n = layer.outputs, m = layer.inputs, out = blockOffsets[l], count = batchSize
        // Buffer pointers keep bounds and uniqueness checks out of the innermost loop.
        theta.withUnsafeBufferPointer { weights in
            source.withUnsafeBufferPointer { h in
                affine.withUnsafeMutableBufferPointer { a in
                    for b in 0..<count {
                        let row = sourceOffset + b * m
                        for o in 0..<n {
                            var s = weights[layer.bias + o]
                            let w = layer.weights + o * m
                            for i in 0..<m { s += weights[w + i] * h[row + i] }
                            a[out + b * n + o] = s
                        }
                    }
                }
            }
        }
    }

    /// Fills x̂ = (a − μ)·(σ² + ε)^−½ for layer l with batch or running statistics.
    private mutating func normalize(layer l: Int, mode: NormalizationMode, epsilon: Double) {
        let layer = architecture.layers[l]
        let n = layer.outputs, out = blockOffsets[l], f = featureOffsets[l]
        let eps = T(constant: epsilon)
        switch mode {
        case .batchStatistics:
            let count = T(constant: Double(batchSize))
            for o in 0..<n {
                var sum = T(constant: 0)
                for b in 0..<batchSize { sum += affine[out + b * n + o] }
                let mean = sum / count
                var squares = T(constant: 0)
                for b in 0..<batchSize {
                    let centered = affine[out + b * n + o] - mean
                    squares += centered * centered
                }
                batchMean[f + o] = mean
                batchVariance[f + o] = squares / count
                inverseStd[f + o] = T(constant: 1) / (squares / count + eps).sqrtValue()
            }
        case .runningStatistics(let buffers):
            let mean = layer.runningMean ?? 0
            for o in 0..<n {
                batchMean[f + o] = T(constant: buffers[mean + o])
                batchVariance[f + o] = T(constant: buffers[mean + n + o])
                inverseStd[f + o] = T(constant: 1 / (buffers[mean + n + o] + epsilon).squareRoot())
            }
        }
        for b in 0..<batchSize {
            for o in 0..<n {
                let k = out + b * n + o
                normalized[k] = (affine[k] - batchMean[f + o]) * inverseStd[f + o]
            }
        }
    }

    /// The hidden nonlinearity act(y).
    func activate(_ y: T) -> T {
        switch architecture.activation {
        case .tanh: return y.tanhValue()
        case .relu: return y.primal > 0 ? y : T(constant: 0)
        }
    }

    /// act'(y) expressed through h = act(y).
    func activationSlope(_ h: T) -> T {
        switch architecture.activation {
        case .tanh: return T(constant: 1) - h * h
        case .relu: return T(constant: h.primal > 0 ? 1 : 0)
        }
    }
}
