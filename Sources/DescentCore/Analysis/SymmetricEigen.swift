/// Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (meant for n ≤ 64).
///
/// Eigenvalues are sorted ascending; `eigenvectors[k]` is the unit eigenvector of
/// `eigenvalues[k]`, with its sign fixed so that the first component of largest magnitude
/// (within 1e-12 relative) is positive. The input is symmetrised as (A + Aᵀ)/2. Sweeps of
/// rotations run until the off-diagonal mass is below 1e-15 of the matrix's Frobenius norm
/// (at most 100 sweeps; Jacobi converges quadratically, typically in 6–10).
public struct SymmetricEigen: Sendable, Equatable {
    /// Eigenvalues, ascending.
    public let eigenvalues: [Double]
    /// Unit eigenvectors; `eigenvectors[k]` belongs to `eigenvalues[k]`.
    public let eigenvectors: [[Double]]

    /// Decomposes the symmetric part of a square matrix.
    public init(_ matrix: Matrix) {
        precondition(matrix.rows == matrix.columns, "matrix must be square")
        let n = matrix.rows
        var a = matrix
        for i in 0..<n {
            for j in 0..<i {
                let m = 0.5 * (a[i, j] + a[j, i])
                a[i, j] = m; a[j, i] = m
            }
        }
        var v = Matrix.identity(n)
        Self.diagonalize(&a, &v)
        var order = Array(0..<n)
        // Sort ascending; ties keep their index order so the result is deterministic.
        order.sort { (a[$0, $0], $0) < (a[$1, $1], $1) }
        eigenvalues = order.map { a[$0, $0] }
        eigenvectors = order.map { k in
            var column = VectorMath.normalized((0..<n).map { v[$0, k] })
            VectorMath.fixSign(&column)
            return column
        }
    }

    private static func diagonalize(_ a: inout Matrix, _ v: inout Matrix) {
        let n = a.rows
        let frobenius = a.storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard frobenius > 0, frobenius.isFinite else { return }
        a.storage.withUnsafeMutableBufferPointer { a in
            v.storage.withUnsafeMutableBufferPointer { v in
                for _ in 0..<100 {
                    var off = 0.0
                    for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { off += a[i * n + j] * a[i * n + j] } }
                    if off.squareRoot() <= 1e-15 * frobenius { break }
                    for p in 0..<n {
                        for q in (p + 1)..<max(p + 1, n) where a[p * n + q] != 0 {
                            rotate(a, v, n, p, q)
                        }
                    }
                }
            }
        }
    }

    /// One Jacobi rotation A ← PᵀAP zeroing A[p, q]; V ← VP (both n×n, row-major).
    private static func rotate(_ a: UnsafeMutableBufferPointer<Double>, _ v: UnsafeMutableBufferPointer<Double>, _ n: Int, _ p: Int, _ q: Int) {
        let apq = a[p * n + q]
        let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        let t: Double
        if abs(theta) > 1e150 {
            t = 1 / (2 * theta)
        } else {
            t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
        }
        let c = 1 / (t * t + 1).squareRoot(), s = t * c
        for k in 0..<n {
            let akp = a[k * n + p], akq = a[k * n + q]
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
        }
        for k in 0..<n {
            let apk = a[p * n + k], aqk = a[q * n + k]
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
        }
        a[p * n + q] = 0; a[q * n + p] = 0
        for k in 0..<n {
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
        }
    }
}
