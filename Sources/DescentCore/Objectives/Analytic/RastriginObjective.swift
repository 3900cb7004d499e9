/// Rastrigin's function A·n + Σ (xᵢ² − A·cos 2πxᵢ): global minimum 0 at the origin amid a lattice of local minima.
public struct RastriginObjective: ClosedFormObjective, Equatable {
    /// n.
    public let dimension: Int
    /// The ripple amplitude A (default 10).
    public let a: Double

    /// Creates Rastrigin's function in `dimension` ≥ 1 variables.
    public init(dimension: Int = 2, a: Double = 10) {
        precondition(dimension >= 1, "dimension must be positive")
        self.dimension = dimension; self.a = a
    }

    private static let twoPi = 2 * Double.pi

    /// The loss.
    public func value(at theta: [Double]) -> Double {
        var total = a * Double(dimension)
        for x in theta { total += x * x - a * LibM.cos(Self.twoPi * x) }
        return total
    }

    /// Value and exact gradient 2xᵢ + 2πA·sin 2πxᵢ.
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        var total = a * Double(dimension)
        for i in 0..<dimension {
            let x = theta[i]
            total += x * x - a * LibM.cos(Self.twoPi * x)
            gradient[i] = 2 * x + Self.twoPi * a * LibM.sin(Self.twoPi * x)
        }
        return total
    }

    /// Exact diagonal Hessian 2 + 4π²A·cos 2πxᵢ.
    public func hessian(at theta: [Double]) -> Matrix {
        var h = Matrix(rows: dimension, columns: dimension)
        for i in 0..<dimension { h[i, i] = curvature(theta[i]) }
        return h
    }

    /// Exact H·v in O(n).
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] {
        (0..<dimension).map { curvature(theta[$0]) * v[$0] }
    }

    private func curvature(_ x: Double) -> Double {
        2 + Self.twoPi * Self.twoPi * a * LibM.cos(Self.twoPi * x)
    }
}
