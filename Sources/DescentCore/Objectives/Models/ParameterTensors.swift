/// An objective whose flat parameter vector is made of tensors (weight matrices, biases, batch-norm
/// γ and β), as a model's parameters are leaves of a pytree in optax or tensors in torch.
///
/// Layer-wise rules (LAMB, LARS, Muon) treat each tensor on its own; an objective that does not
/// conform is one tensor.
public protocol ParameterTensors {
    /// The tensors as ranges of θ, in order, covering 0..<dimension.
    var parameterTensors: [Range<Int>] { get }
}

extension MLPObjective: ParameterTensors {
    /// Per layer: W, b, then γ and β for batch-normalised hidden layers.
    public var parameterTensors: [Range<Int>] {
        architecture.layers.flatMap { layer -> [Range<Int>] in
            var tensors = [layer.weights..<layer.bias, layer.bias..<(layer.bias + layer.outputs)]
            if let gamma = layer.gamma, let beta = layer.beta {
                tensors += [gamma..<beta, beta..<(beta + layer.outputs)]
            }
            return tensors
        }
    }
}

/// The tensors of `objective` (one tensor when it has no `ParameterTensors`).
func parameterTensors(of objective: any Objective) -> [Range<Int>] {
    (objective as? ParameterTensors)?.parameterTensors ?? [0..<objective.dimension]
}
