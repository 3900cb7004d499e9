/// The quadratic ½xᵀAx + bᵀx with A symmetrised to (A + Aᵀ)/2: gradient Ax + b, Hessian A.
public struct QuadraticObjective: ClosedFormObjective, Equatable {
    /// The symmetric matrix A (n×n).
    public let a: Matrix
    /// The linear term b (n values).
    public let b: [Double]

    /// Creates ½xᵀAx + bᵀx; A must be square with `b.count` rows and is replaced by (A + Aᵀ)/2.
    public init(a: Matrix, b: [Double]) {
        precondition(a.rows == a.columns && a.rows == b.count, "A must be n×n with n = b.count")
        var sym = a
        for i in 0..<a.rows {
            for j in 0..<i {
                let m = 0.5 * (a[i, j] + a[j, i])
                sym[i, j] = m; sym[j, i] = m
            }
        }
        self.a = sym
        self.b = b
    }

    /// The ill-conditioned diagonal quadratic ½Σ dᵢxᵢ² with dᵢ = κ^(i/(n−1)), from 1 to κ
    /// (n = 2 gives diag(1, κ); n = 1 gives diag(1)).
    public static func illConditioned(dimension: Int, kappa: Double) -> QuadraticObjective {
        precondition(dimension >= 1, "dimension must be positive")
        var a = Matrix(rows: dimension, columns: dimension)
        for i in 0..<dimension {
            a[i, i] = dimension == 1 ? 1 : LibM.pow(kappa, Double(i) / Double(dimension - 1))
        }
        return QuadraticObjective(a: a, b: [Double](repeating: 0, count: dimension))
    }

    /// n.
    public var dimension: Int { b.count }

    /// ½xᵀAx + bᵀx.
    public func value(at theta: [Double]) -> Double {
        var g = [Double](repeating: 0, count: dimension)
        return valueAndGradient(at: theta, gradient: &g)
    }

    /// Value and exact gradient Ax + b.
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        let n = dimension
        var total = 0.0
        for i in 0..<n {
            var ax = 0.0
            for j in 0..<n { ax += a.storage[i * n + j] * theta[j] }
            gradient[i] = ax + b[i]
            total += theta[i] * (0.5 * ax + b[i])
        }
        return total
    }

    /// The constant Hessian A.
    public func hessian(at theta: [Double]) -> Matrix { a }

    /// Av.
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] { a.multiply(v) }
}

extension QuadraticObjective: LaneKernel {
    /// `valueAndGradient(at:gradient:)` on raw buffers (same operations, same order).
    @inline(__always)
    func valueAndGradient(_ theta: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>) -> Double {
        valueAndGradient(lanes: theta, gradient)
    }

    /// The kernel over one value or one per lockstep member (same operations, same order).
    @inline(__always)
    func valueAndGradient<V: LaneArithmetic>(lanes theta: UnsafePointer<V>, _ gradient: UnsafeMutablePointer<V>) -> V {
        let n = dimension
        return a.storage.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var total = V.broadcast(0)
                for i in 0..<n {
                    var ax = V.broadcast(0)
                    for j in 0..<n { ax = ax + V.broadcast(a[i * n + j]) * theta[j] }
                    let bi = V.broadcast(b[i])
                    gradient[i] = ax + bi
                    total = total + theta[i] * (V.broadcast(0.5) * ax + bi)
                }
                return total
            }
        }
    }
}
