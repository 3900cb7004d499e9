/// Rosenbrock's function Σᵢ₌₀ⁿ⁻² [b(xᵢ₊₁ − xᵢ²)² + (a − xᵢ)²] (the chained form for n > 2);
/// for n = 2 the minimum 0 is at (a, a²).
public struct RosenbrockObjective: ClosedFormObjective, Equatable {
    /// The valley's target a (default 1).
    public let a: Double
    /// The valley's steepness b (default 100).
    public let b: Double
    /// n ≥ 2.
    public let dimension: Int

    /// Creates Rosenbrock's function in `dimension` ≥ 2 variables.
    public init(a: Double = 1, b: Double = 100, dimension: Int = 2) {
        precondition(dimension >= 2, "Rosenbrock needs at least 2 variables")
        self.a = a; self.b = b; self.dimension = dimension
    }

    /// The loss.
    public func value(at theta: [Double]) -> Double {
        var total = 0.0
        for i in 0..<(dimension - 1) {
            let u = theta[i + 1] - theta[i] * theta[i], v = a - theta[i]
            total += b * u * u + v * v
        }
        return total
    }

    /// Value and exact gradient: term i adds −4b·xᵢ·u − 2(a − xᵢ) to ∂ᵢ and 2b·u to ∂ᵢ₊₁ (u = xᵢ₊₁ − xᵢ²).
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        if gradient.count != dimension { gradient = [Double](repeating: 0, count: dimension) }
        return theta.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer { g in valueAndGradient(t.baseAddress!, g.baseAddress!) }
        }
    }

    /// Exact (tridiagonal) Hessian: term i adds 12b·xᵢ² − 4b·xᵢ₊₁ + 2 to Hᵢᵢ, −4b·xᵢ to Hᵢ,ᵢ₊₁, 2b to Hᵢ₊₁,ᵢ₊₁.
    public func hessian(at theta: [Double]) -> Matrix {
        var h = Matrix(rows: dimension, columns: dimension)
        for i in 0..<(dimension - 1) {
            let (diagonal, off) = termCurvature(theta, i)
            h[i, i] += diagonal
            h[i, i + 1] += off
            h[i + 1, i] += off
            h[i + 1, i + 1] += 2 * b
        }
        return h
    }

    /// Exact H·v in O(n) from the tridiagonal structure.
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: dimension)
        for i in 0..<(dimension - 1) {
            let (diagonal, off) = termCurvature(theta, i)
            out[i] += diagonal * v[i] + off * v[i + 1]
            out[i + 1] += off * v[i] + 2 * b * v[i + 1]
        }
        return out
    }

    private func termCurvature(_ theta: [Double], _ i: Int) -> (diagonal: Double, off: Double) {
        let x = theta[i]
        return (12 * b * x * x - 4 * b * theta[i + 1] + 2, -4 * b * x)
    }
}

extension RosenbrockObjective: LaneKernel {
    /// Value and gradient on raw buffers; the array method calls this, so both paths agree bit for bit.
    @inline(__always)
    func valueAndGradient(_ theta: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>) -> Double {
        valueAndGradient(lanes: theta, gradient)
    }

    /// The kernel over one value or one per lockstep member (same operations, same order).
    @inline(__always)
    func valueAndGradient<V: LaneArithmetic>(lanes theta: UnsafePointer<V>, _ gradient: UnsafeMutablePointer<V>) -> V {
        let a = V.broadcast(self.a), b = V.broadcast(self.b)
        let minusFour = V.broadcast(-4), two = V.broadcast(2)
        if dimension == 2 {
            // The common 2-D case without the accumulation loop (about twice as fast).
            let x = theta[0]
            let u = theta[1] - x * x, v = a - x
            gradient[0] = minusFour * b * x * u - two * v
            gradient[1] = two * b * u
            return b * u * u + v * v
        }
        for i in 0..<dimension { gradient[i] = V.broadcast(0) }
        var total = V.broadcast(0)
        for i in 0..<(dimension - 1) {
            let x = theta[i]
            let u = theta[i + 1] - x * x, v = a - x
            total = total + (b * u * u + v * v)
            gradient[i] = gradient[i] + (minusFour * b * x * u - two * v)
            gradient[i + 1] = gradient[i + 1] + two * b * u
        }
        return total
    }
}
