/// An optimization algorithm: a state struct updated in place by one step per gradient.
///
/// `step` may overwrite `gradient` (e.g. with weight decay folded in), as PyTorch's in-place
/// updates do; it must not allocate after the state was created with the right dimension.
public protocol Optimizer: Sendable {
    /// Applies one update to `parameters` using `gradient` at the learning rate `learningRate`.
    mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double)
}
