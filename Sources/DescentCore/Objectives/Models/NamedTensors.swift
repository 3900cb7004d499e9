/// What a model's parameter tensor is, for selecting tensors by kind (a parameter group's `params`).
public enum TensorKind: String, Sendable, CaseIterable {
    /// A weight matrix (or vector, for a single-output model).
    case weight
    /// A bias vector of an affine layer.
    case bias
    /// Batch norm's scale γ.
    case gamma
    /// Batch norm's shift β.
    case beta
}

/// One named parameter tensor of a model: a contiguous range of θ.
public struct NamedTensor: Sendable, Equatable {
    /// Its name, e.g. "layer1.weight" (an MLP) or "bias" (a one-layer model).
    public let name: String
    /// What it is.
    public let kind: TensorKind
    /// Where it lives in θ.
    public let range: Range<Int>
    /// (rows, columns) of a weight matrix stored row-major (torch's (outputs, inputs)); nil for a vector.
    public let matrixShape: [Int]?

    /// A tensor `name` of `kind` at `range`, a `rows` × `columns` matrix when `matrix` is given.
    public init(_ name: String, _ kind: TensorKind, _ range: Range<Int>, matrix: (rows: Int, columns: Int)? = nil) {
        self.name = name; self.kind = kind; self.range = range
        matrixShape = matrix.map { [$0.rows, $0.columns] }
    }
}

/// A model whose parameters can be addressed by tensor name or kind (parameter groups).
///
/// Names follow the layout of θ: an MLP's affine layers are `layer1` … `layerL` (the last is the output
/// layer), each with `.weight` and `.bias`, and batch-normalised hidden layers also `.gamma` and `.beta`;
/// the one-layer models (linear, logistic and softmax regression) have `weight` and `bias`.
public protocol NamedParameterTensors {
    /// Every tensor once, in θ order, covering 0..<dimension.
    var namedTensors: [NamedTensor] { get }
}

extension MLPObjective: NamedParameterTensors {
    /// `layerL.weight`, `layerL.bias`, and `layerL.gamma`, `layerL.beta` for batch-normalised hidden layers.
    public var namedTensors: [NamedTensor] {
        architecture.layers.enumerated().flatMap { index, layer -> [NamedTensor] in
            let prefix = "layer\(index + 1)."
            var tensors = [NamedTensor(prefix + "weight", .weight, layer.weights..<layer.bias,
                                       matrix: (layer.outputs, layer.inputs)),
                           NamedTensor(prefix + "bias", .bias, layer.bias..<(layer.bias + layer.outputs))]
            if let gamma = layer.gamma, let beta = layer.beta {
                tensors += [NamedTensor(prefix + "gamma", .gamma, gamma..<beta),
                            NamedTensor(prefix + "beta", .beta, beta..<(beta + layer.outputs))]
            }
            return tensors
        }
    }
}

extension LinearRegressionObjective: NamedParameterTensors {
    /// `weight` (d values) then `bias`.
    public var namedTensors: [NamedTensor] { singleLayerTensors(weights: dimension - 1, dimension: dimension) }
}

extension LogisticRegressionObjective: NamedParameterTensors {
    /// `weight` (d values) then `bias`.
    public var namedTensors: [NamedTensor] { singleLayerTensors(weights: dimension - 1, dimension: dimension) }
}

extension SoftmaxRegressionObjective: NamedParameterTensors {
    /// `weight` (K×d, row per class) then `bias` (K values).
    public var namedTensors: [NamedTensor] {
        let weights = dimension - classCount
        return [NamedTensor("weight", .weight, 0..<weights, matrix: (classCount, weights / classCount)),
                NamedTensor("bias", .bias, weights..<dimension)]
    }
}

/// A one-layer model's tensors: the weights first, then the biases.
private func singleLayerTensors(weights: Int, dimension: Int) -> [NamedTensor] {
    [NamedTensor("weight", .weight, 0..<weights), NamedTensor("bias", .bias, weights..<dimension)]
}
