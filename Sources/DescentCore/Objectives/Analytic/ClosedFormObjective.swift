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
