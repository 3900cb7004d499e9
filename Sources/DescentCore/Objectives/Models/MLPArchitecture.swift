
/// The loss an MLP puts on its output layer.
enum OutputLoss: Sendable, Equatable {
    /// One output, mean squared error (regression).
    case meanSquaredError
    /// One logit, stable binary cross-entropy.
    case binaryCrossEntropy
    /// One logit per class, softmax cross-entropy.
    case softmaxCrossEntropy
}

/// Where one affine layer's parameters and running statistics live in the flat arrays.
struct MLPLayer: Sendable, Equatable {
    /// Input width.
    let inputs: Int
    /// Output width.
    let outputs: Int
    /// Offset of W (outputs×inputs, row-major) in θ.
    let weights: Int
    /// Offset of b (outputs) in θ.
    let bias: Int
    /// Offset of γ in θ, for batch-normalised hidden layers.
    let gamma: Int?
    /// Offset of β in θ, for batch-normalised hidden layers.
    let beta: Int?
    /// Offset of the running mean in the buffers (running variance follows it).
    let runningMean: Int?
}

/// Shapes and parameter layout of an MLP.
///
/// θ holds, layer by layer: W (row-major, outputs×inputs), b, and for batch-normalised hidden
/// layers γ then β. Buffers hold, per batch-normalised hidden layer, the running mean then the
/// running variance.
struct MLPArchitecture: Sendable, Equatable {
    /// input, hidden…, output widths.
    let layerSizes: [Int]
    /// The affine layers; all but the last are hidden.
    let layers: [MLPLayer]
    /// Hidden nonlinearity.
    let activation: Activation
    /// Batch normalisation of hidden layers, if any.
    let batchNorm: BatchNormOptions?
    /// Output loss.
    let loss: OutputLoss
    /// Number of parameters.
    let parameterCount: Int
    /// Number of running-statistics values.
    let bufferCount: Int

    /// Lays out an MLP with `inputs` features, the hidden widths, and an output for `classCount`
    /// (0: one regression output; 1 or 2: one logit; more: one logit per class).
    init(inputs: Int, hidden: [Int], classCount: Int, activation: Activation, batchNorm: BatchNormOptions?) {
        let outputs = classCount > 2 ? classCount : 1
        loss = classCount == 0 ? .meanSquaredError : (classCount > 2 ? .softmaxCrossEntropy : .binaryCrossEntropy)
        layerSizes = [inputs] + hidden + [outputs]
        var layers: [MLPLayer] = []
        var offset = 0, buffers = 0
        for l in 0..<(layerSizes.count - 1) {
            let fanIn = layerSizes[l], fanOut = layerSizes[l + 1]
            let hiddenWithNorm = batchNorm != nil && l < layerSizes.count - 2
            let weights = offset, bias = offset + fanIn * fanOut
            offset = bias + fanOut
            var gamma: Int?, beta: Int?, mean: Int?
            if hiddenWithNorm {
                gamma = offset
                beta = offset + fanOut
                offset += 2 * fanOut
                mean = buffers
                buffers += 2 * fanOut
            }
            layers.append(MLPLayer(
                inputs: fanIn, outputs: fanOut, weights: weights, bias: bias,
                gamma: gamma, beta: beta, runningMean: mean))
        }
        self.layers = layers
        self.activation = activation
        self.batchNorm = batchNorm
        parameterCount = offset
        bufferCount = buffers
    }

    /// Seeded initial θ: Glorot-uniform W for tanh (U(±√(6/(in+out)))), He-normal W for ReLU
    /// (N(0, 2/in)), b = 0, γ = 1, β = 0. Weights are drawn layer by layer in row-major order.
    func initialParameters(seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        var theta = [Double](repeating: 0, count: parameterCount)
        for layer in layers {
            let fanIn = Double(layer.inputs), fanOut = Double(layer.outputs)
            for k in 0..<(layer.inputs * layer.outputs) {
                switch activation {
                case .tanh: theta[layer.weights + k] = (2 * rng.nextDouble() - 1) * (6 / (fanIn + fanOut)).squareRoot()
                case .relu: theta[layer.weights + k] = rng.nextGaussian() * (2 / fanIn).squareRoot()
                }
            }
            if let gamma = layer.gamma {
                for k in 0..<layer.outputs { theta[gamma + k] = 1 }
            }
        }
        return theta
    }

    /// Running means 0 and running variances 1 (PyTorch's initial values).
    func initialBuffers() -> [Double] {
        var buffers = [Double](repeating: 0, count: bufferCount)
        for layer in layers {
            guard let mean = layer.runningMean else { continue }
            for k in 0..<layer.outputs { buffers[mean + layer.outputs + k] = 1 }
        }
        return buffers
    }
}
