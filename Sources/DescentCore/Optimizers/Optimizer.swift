/// An optimization algorithm: a state struct updated in place by one step per gradient.
///
/// `step` may overwrite `gradient` (e.g. with weight decay folded in), as PyTorch's in-place
/// updates do; it must not allocate after the state was created with the right dimension.
public protocol Optimizer: Sendable {
    /// Applies one update to `parameters` using `gradient` at the learning rate `learningRate`.
    mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double)
    /// Sees the batch loss of the step just taken (parameter groups' ReduceLROnPlateau); by default nothing.
    mutating func observe(loss: Double)
}

extension Optimizer {
    /// Nothing: the rule does not depend on the losses.
    @inline(__always)
    public mutating func observe(loss: Double) {}
}

/// An optimizer whose momentum coefficient a schedule may set before each step, as torch's `CyclicLR` and
/// `OneCycleLR` with `cycle_momentum` set the param group's `momentum` (SGD, RMSprop) or `betas[0]` (the Adam
/// family) before each `optimizer.step()`. The spec check admits momentum cycling only for these optimizers.
protocol MomentumCycling: Optimizer {
    /// Makes `value` the momentum (μ or β₁) of the next step.
    mutating func setMomentum(_ value: Double)
}

/// An optimizer that can also step on raw buffers (the closed-form fast path's entry point).
///
/// The array `step` of a conformer must do exactly the same floating-point operations, in the
/// same order, as this one (the conformers forward one to the other).
protocol RawStepOptimizer: Optimizer {
    /// One update of `count` parameters in place from `gradient` (not modified).
    mutating func step(parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, count: Int,
                       learningRate: Double)
}

extension RawStepOptimizer {
    /// The array entry point: one raw step over the arrays' storage.
    @inline(__always)
    mutating func stepArrays(_ parameters: inout [Double], _ gradient: inout [Double], learningRate: Double) {
        let n = parameters.count
        var none = 0.0  // stands in for the storage of empty arrays
        withUnsafeMutablePointer(to: &none) { empty in
            parameters.withUnsafeMutableBufferPointer { theta in
                gradient.withUnsafeBufferPointer { grad in
                    step(parameters: theta.baseAddress ?? empty, gradient: grad.baseAddress ?? UnsafePointer(empty),
                         count: n, learningRate: learningRate)
                }
            }
        }
    }
}

/// An optimizer that keeps its own average of the iterates (ASGD's `ax`), reported as the run summary's
/// averaged point.
protocol AveragingOptimizer: Optimizer {
    /// The average after the updates so far.
    var averagedParameters: [Double] { get }
}

/// An optimizer that evaluates the objective itself (L-BFGS), reporting how often in the run summary.
protocol EvaluationCountingOptimizer: Optimizer {
    /// Loss-and-gradient evaluations made so far.
    var functionEvaluations: Int { get }
}

extension ASGD: AveragingOptimizer {}
extension LBFGS: EvaluationCountingOptimizer {}
