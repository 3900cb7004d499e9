/// An objective given by a formula in θ alone: no data, so every batch gives the same loss.
///
/// Conformers implement the batch-free `value(at:)` and `valueAndGradient(at:gradient:)`;
/// the batch-taking `Objective` requirements forward to them.
public protocol ClosedFormObjective: Objective {
    /// L(θ).
    func value(at theta: [Double]) -> Double
    /// L(θ), writing ∇L(θ) into `gradient` (already sized to `dimension`).
    func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double
}

extension ClosedFormObjective {
    /// L(θ); the batch is ignored.
    public func value(at theta: [Double], batch: Batch) -> Double { value(at: theta) }

    /// L(θ) and its exact gradient; the batch is ignored.
    public func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double {
        if gradient.count != dimension { gradient = [Double](repeating: 0, count: dimension) }
        return valueAndGradient(at: theta, gradient: &gradient)
    }
}

/// Packs the entries of a 2×2 symmetric Hessian [[xx, xy], [xy, yy]].
@inlinable func symmetric2x2(_ xx: Double, _ xy: Double, _ yy: Double) -> Matrix {
    var h = Matrix(rows: 2, columns: 2)
    h.storage = [xx, xy, xy, yy]
    return h
}

/// A closed-form objective whose value and gradient can be computed on raw buffers: the
/// trainer's fast path for it keeps θ, the gradient and the trajectory in unsafe storage.
///
/// `valueAndGradient(_:_:)` must do exactly the floating-point operations, in the same order, of
/// `valueAndGradient(at:gradient:)` (the fast-path tests compare trajectories bit for bit).
protocol ClosedFormKernel: ClosedFormObjective {
    /// L(θ) for θ at `theta` (`dimension` values), writing ∇L(θ) to `gradient` (`dimension` values).
    func valueAndGradient(_ theta: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>) -> Double
}

/// A closed-form kernel written once over `LaneArithmetic`: the same code computes one run's value and
/// gradient (`Double`) and those of four lockstep members at once (`Lanes`), lane for lane the same bits.
protocol LaneKernel: ClosedFormKernel {
    /// L(θ) for θ at `theta` (`dimension` values of `V`), writing ∇L(θ) to `gradient`.
    func valueAndGradient<V: LaneArithmetic>(lanes theta: UnsafePointer<V>, _ gradient: UnsafeMutablePointer<V>) -> V
}
