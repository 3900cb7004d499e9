/// Eigen-decomposition of a symmetric tridiagonal matrix by the implicit QL method with Wilkinson-style shifts.
///
/// O(m²) for the eigenvalues plus O(m³) (small constant) for the accumulated eigenvectors, much
/// cheaper than Jacobi for the Lanczos matrix T. Eigenvalues ascending; `eigenvectors[k]` is the
/// unit eigenvector of `eigenvalues[k]`, sign fixed as in `SymmetricEigen`.
public struct TridiagonalEigen: Sendable, Equatable {
    /// Eigenvalues, ascending.
    public let eigenvalues: [Double]
    /// Unit eigenvectors; `eigenvectors[k]` belongs to `eigenvalues[k]`.
    public let eigenvectors: [[Double]]

    /// Decomposes the matrix with `diagonal` (m values) and `offDiagonal` (m − 1 values: T[i, i+1] = T[i+1, i]).
    public init(diagonal: [Double], offDiagonal: [Double]) {
        let m = diagonal.count
        let (values, z) = Self.decompose(diagonal, offDiagonal, trackedRows: m)
        eigenvalues = values.map(\.value)
        eigenvectors = values.map { entry in
            var v = VectorMath.normalized(Array(z[(entry.column * m)..<((entry.column + 1) * m)]))
            VectorMath.fixSign(&v)
            return v
        }
    }

    /// Eigenvalues ascending, each with the last component of its unit eigenvector (sign as computed),
    /// in O(m²): what a Lanczos convergence test needs, without the full vectors.
    static func valuesAndLastComponents(diagonal: [Double], offDiagonal: [Double]) -> [(value: Double, last: Double)] {
        let (values, z) = Self.decompose(diagonal, offDiagonal, trackedRows: 1)
        return values.map { ($0.value, z[$0.column]) }
    }

    /// Runs QL, accumulating the last `trackedRows` rows of the eigenvector matrix (column-major,
    /// `trackedRows` values per column); returns the eigenvalues ascending with their columns.
    private static func decompose(_ diagonal: [Double], _ offDiagonal: [Double], trackedRows: Int) -> ([(value: Double, column: Int)], [Double]) {
        let m = diagonal.count
        precondition(offDiagonal.count == max(0, m - 1), "off-diagonal must have m − 1 values")
        var d = diagonal
        var e = offDiagonal + [0]
        var z = [Double](repeating: 0, count: m * trackedRows)
        for c in 0..<m where c >= m - trackedRows { z[c * trackedRows + (c - (m - trackedRows))] = 1 }
        let converged = diagonalize(&d, &e, &z, m, trackedRows)
        var order = Array(0..<m)
        if converged { order.sort { (d[$0], $0) < (d[$1], $1) } }
        return (order.map { (d[$0], $0) }, z)
    }

    /// Implicit QL sweeps; returns false if some eigenvalue failed to converge in 30·m iterations.
    private static func diagonalize(_ d: inout [Double], _ e: inout [Double], _ z: inout [Double], _ m: Int, _ rows: Int) -> Bool {
        guard m > 1 else { return true }
        for l in 0..<m {
            var iterations = 0
            while true {
                // Find a negligible off-diagonal element e[j] to split the matrix at.
                var j = l
                while j < m - 1 {
                    let scale = abs(d[j]) + abs(d[j + 1])
                    if abs(e[j]) <= Double.ulpOfOne * scale { break }
                    j += 1
                }
                if j == l { break }
                iterations += 1
                if iterations > 30 * m { return false }
                var g = (d[l + 1] - d[l]) / (2 * e[l])
                var r = hypot(g, 1)
                g = d[j] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
                var s = 1.0, c = 1.0, p = 0.0
                var i = j - 1
                var underflow = false
                while i >= l {
                    let f = s * e[i], b = c * e[i]
                    r = hypot(f, g)
                    e[i + 1] = r
                    if r == 0 {
                        d[i + 1] -= p
                        e[j] = 0
                        underflow = true
                        break
                    }
                    s = f / r
                    c = g / r
                    g = d[i + 1] - p
                    r = (d[i] - g) * s + 2 * c * b
                    p = s * r
                    d[i + 1] = g + p
                    g = c * r - b
                    let left = i * rows, right = (i + 1) * rows
                    for k in 0..<rows {
                        let zr = z[right + k]
                        z[right + k] = s * z[left + k] + c * zr
                        z[left + k] = c * z[left + k] - s * zr
                    }
                    i -= 1
                }
                if underflow { continue }
                d[l] -= p
                e[l] = g
                e[j] = 0
            }
        }
        return true
    }

    private static func hypot(_ a: Double, _ b: Double) -> Double {
        let x = abs(a), y = abs(b)
        let big = max(x, y), small = min(x, y)
        guard big > 0 else { return 0 }
        let ratio = small / big
        return big * (1 + ratio * ratio).squareRoot()
    }
}
