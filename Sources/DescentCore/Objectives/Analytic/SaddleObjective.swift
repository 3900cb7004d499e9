/// The lecture's saddle L(w₁, w₂) = (1 − w₁w₂)²: a saddle at the origin, minima on w₁w₂ = 1.
///
/// With r = 1 − w₁w₂: ∇L = (−2r·w₂, −2r·w₁) and ∇²L = [[2w₂², 2w₁w₂ − 2r], [2w₁w₂ − 2r, 2w₁²]],
/// so at (0, 0) the gradient is 0 and the Hessian is [[0, −2], [−2, 0]] (eigenvalues ±2).
public struct SaddleObjective: ClosedFormObjective, Equatable {
    /// Creates the saddle objective.
    public init() {}

    /// Always 2.
    public var dimension: Int { 2 }

    /// (1 − w₁w₂)².
    public func value(at theta: [Double]) -> Double {
        let r = 1 - theta[0] * theta[1]
        return r * r
    }

    /// Value and exact gradient.
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        let r = 1 - theta[0] * theta[1]
        gradient[0] = -2 * r * theta[1]
        gradient[1] = -2 * r * theta[0]
        return r * r
    }

    /// Exact Hessian.
    public func hessian(at theta: [Double]) -> Matrix {
        let (w1, w2) = (theta[0], theta[1])
        let r = 1 - w1 * w2
        return symmetric2x2(2 * w2 * w2, 2 * w1 * w2 - 2 * r, 2 * w1 * w1)
    }
}

extension SaddleObjective: LaneKernel {
    /// `valueAndGradient(at:gradient:)` on raw buffers (same operations, same order).
    @inline(__always)
    func valueAndGradient(_ theta: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>) -> Double {
        valueAndGradient(lanes: theta, gradient)
    }

    /// The kernel over one value or one per lockstep member (same operations, same order).
    @inline(__always)
    func valueAndGradient<V: LaneArithmetic>(lanes theta: UnsafePointer<V>, _ gradient: UnsafeMutablePointer<V>) -> V {
        let r = V.broadcast(1) - theta[0] * theta[1]
        gradient[0] = V.broadcast(-2) * r * theta[1]
        gradient[1] = V.broadcast(-2) * r * theta[0]
        return r * r
    }
}
