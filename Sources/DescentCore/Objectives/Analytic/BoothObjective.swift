/// Booth's function (x + 2y − 7)² + (2x + y − 5)²: a convex quadratic with minimum 0 at (1, 3).
public struct BoothObjective: ClosedFormObjective, Equatable {
    /// Creates Booth's function.
    public init() {}

    /// Always 2.
    public var dimension: Int { 2 }

    /// (x + 2y − 7)² + (2x + y − 5)².
    public func value(at theta: [Double]) -> Double {
        let r1 = theta[0] + 2 * theta[1] - 7
        let r2 = 2 * theta[0] + theta[1] - 5
        return r1 * r1 + r2 * r2
    }

    /// Value and exact gradient (2r₁ + 4r₂, 4r₁ + 2r₂).
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        let r1 = theta[0] + 2 * theta[1] - 7
        let r2 = 2 * theta[0] + theta[1] - 5
        gradient[0] = 2 * r1 + 4 * r2
        gradient[1] = 4 * r1 + 2 * r2
        return r1 * r1 + r2 * r2
    }

    /// The constant Hessian [[10, 8], [8, 10]].
    public func hessian(at theta: [Double]) -> Matrix { symmetric2x2(10, 8, 10) }
}
