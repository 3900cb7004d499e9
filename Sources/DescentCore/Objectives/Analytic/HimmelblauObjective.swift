/// Himmelblau's function (x² + y − 11)² + (x + y² − 7)²: four minima of value 0,
/// at (3, 2), (−2.805118, 3.131312), (−3.779310, −3.283186) and (3.584428, −1.848126).
public struct HimmelblauObjective: ClosedFormObjective, Equatable {
    /// Creates Himmelblau's function.
    public init() {}

    /// Always 2.
    public var dimension: Int { 2 }

    /// (x² + y − 11)² + (x + y² − 7)².
    public func value(at theta: [Double]) -> Double {
        let (x, y) = (theta[0], theta[1])
        let r1 = x * x + y - 11, r2 = x + y * y - 7
        return r1 * r1 + r2 * r2
    }

    /// Value and exact gradient (4x·r₁ + 2r₂, 2r₁ + 4y·r₂).
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        let (x, y) = (theta[0], theta[1])
        let r1 = x * x + y - 11, r2 = x + y * y - 7
        gradient[0] = 4 * x * r1 + 2 * r2
        gradient[1] = 2 * r1 + 4 * y * r2
        return r1 * r1 + r2 * r2
    }

    /// Exact Hessian: Σ 2(∇rₖ∇rₖᵀ + rₖ∇²rₖ) with ∇r₁ = (2x, 1), ∇r₂ = (1, 2y).
    public func hessian(at theta: [Double]) -> Matrix {
        let (x, y) = (theta[0], theta[1])
        let r1 = x * x + y - 11, r2 = x + y * y - 7
        return symmetric2x2(8 * x * x + 4 * r1 + 2, 4 * x + 4 * y, 2 + 8 * y * y + 4 * r2)
    }
}
