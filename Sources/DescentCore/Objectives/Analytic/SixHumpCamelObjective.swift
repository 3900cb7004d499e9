/// The six-hump camel function (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²;
/// global minima ≈ −1.0316 at ±(0.0898, −0.7126).
public struct SixHumpCamelObjective: ClosedFormObjective, Equatable {
    /// Creates the six-hump camel function.
    public init() {}

    /// Always 2.
    public var dimension: Int { 2 }

    /// 4x² − 2.1x⁴ + x⁶/3 + xy − 4y² + 4y⁴.
    public func value(at theta: [Double]) -> Double {
        let (x, y) = (theta[0], theta[1])
        let x2 = x * x, y2 = y * y
        return (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (-4 + 4 * y2) * y2
    }

    /// Value and exact gradient (8x − 8.4x³ + 2x⁵ + y, x − 8y + 16y³).
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        let (x, y) = (theta[0], theta[1])
        let x2 = x * x, y2 = y * y
        gradient[0] = 8 * x - 8.4 * x2 * x + 2 * x2 * x2 * x + y
        gradient[1] = x - 8 * y + 16 * y2 * y
        return (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (-4 + 4 * y2) * y2
    }

    /// Exact Hessian [[8 − 25.2x² + 10x⁴, 1], [1, −8 + 48y²]].
    public func hessian(at theta: [Double]) -> Matrix {
        let (x, y) = (theta[0], theta[1])
        let x2 = x * x
        return symmetric2x2(8 - 25.2 * x2 + 10 * x2 * x2, 1, -8 + 48 * y * y)
    }
}
