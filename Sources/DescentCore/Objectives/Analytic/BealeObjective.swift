/// Beale's function Σₖ₌₁³ (cₖ − x + x·yᵏ)² with c = (1.5, 2.25, 2.625); minimum 0 at (3, 0.5).
public struct BealeObjective: ClosedFormObjective, Equatable {
    /// Creates Beale's function.
    public init() {}

    /// Always 2.
    public var dimension: Int { 2 }

    private static let c = (1.5, 2.25, 2.625)

    /// Σ rₖ² with rₖ = cₖ − x + x·yᵏ.
    public func value(at theta: [Double]) -> Double {
        let (x, y) = (theta[0], theta[1])
        let r1 = Self.c.0 - x + x * y
        let r2 = Self.c.1 - x + x * y * y
        let r3 = Self.c.2 - x + x * y * y * y
        return r1 * r1 + r2 * r2 + r3 * r3
    }

    /// Value and exact gradient Σ 2rₖ∇rₖ with ∇rₖ = (yᵏ − 1, k·x·yᵏ⁻¹).
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        let (x, y) = (theta[0], theta[1])
        let y2 = y * y, y3 = y2 * y
        let r1 = Self.c.0 - x + x * y, r2 = Self.c.1 - x + x * y2, r3 = Self.c.2 - x + x * y3
        gradient[0] = 2 * (r1 * (y - 1) + r2 * (y2 - 1) + r3 * (y3 - 1))
        gradient[1] = 2 * (r1 * x + r2 * 2 * x * y + r3 * 3 * x * y2)
        return r1 * r1 + r2 * r2 + r3 * r3
    }

    /// Exact Hessian Σ 2(∇rₖ∇rₖᵀ + rₖ∇²rₖ), ∇²rₖ = [[0, k·yᵏ⁻¹], [k·yᵏ⁻¹, k(k−1)·x·yᵏ⁻²]].
    public func hessian(at theta: [Double]) -> Matrix {
        let (x, y) = (theta[0], theta[1])
        let y2 = y * y, y3 = y2 * y
        let r = [Self.c.0 - x + x * y, Self.c.1 - x + x * y2, Self.c.2 - x + x * y3]
        let gx = [y - 1, y2 - 1, y3 - 1]
        let gy = [x, 2 * x * y, 3 * x * y2]
        let mixed = [1, 2 * y, 3 * y2]
        let curvature = [0, 2 * x, 6 * x * y]
        var xx = 0.0, xy = 0.0, yy = 0.0
        for k in 0..<3 {
            xx += 2 * gx[k] * gx[k]
            xy += 2 * (gx[k] * gy[k] + r[k] * mixed[k])
            yy += 2 * (gy[k] * gy[k] + r[k] * curvature[k])
        }
        return symmetric2x2(xx, xy, yy)
    }
}
