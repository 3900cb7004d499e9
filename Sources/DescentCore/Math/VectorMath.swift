/// Dense vector arithmetic (dot, norm, axpy, sign convention) used by the analysis code.
enum VectorMath {
    /// Σ aᵢbᵢ.
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    /// Euclidean norm.
    static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    /// y ← y + αx.
    static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        for i in 0..<y.count { y[i] += alpha * x[i] }
    }

    /// Flips `v` so that its first component within 1e-12 (relative) of the largest magnitude is positive.
    ///
    /// Eigenvectors are defined up to sign; this fixes one deterministically. The relative slack
    /// keeps ties such as (1, −1)/√2 from being decided by rounding noise.
    static func fixSign(_ v: inout [Double]) {
        let largest = v.map(abs).max() ?? 0
        guard largest > 0, let pivot = v.firstIndex(where: { abs($0) >= largest * (1 - 1e-12) }) else { return }
        if v[pivot] < 0 { for i in 0..<v.count { v[i] = -v[i] } }
    }

    /// `v / ‖v‖`, or `v` itself when it is zero.
    static func normalized(_ v: [Double]) -> [Double] {
        let n = norm(v)
        return n > 0 ? v.map { $0 / n } : v
    }
}
