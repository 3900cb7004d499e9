/// Extreme eigenpairs of a large symmetric operator from matrix-vector products only
/// (Lanczos iteration with full reorthogonalisation).
///
/// Builds an orthonormal Krylov basis Q from a seeded random start, with every new vector
/// orthogonalised twice against all previous ones (so no spurious copies appear), and the
/// tridiagonal T = QᵀAQ. Every 5 steps the Ritz values of T (by `TridiagonalEigen`, in O(m²)) are tested:
/// a Ritz value θᵢ with Ritz vector Qsᵢ has residual ‖AQsᵢ − θᵢQsᵢ‖ = βₘ·|sᵢ,ₘ|, and the
/// iteration stops when the wanted `count` residuals are ≤ `tolerance`·max(1, |θ|max). If the
/// Krylov space becomes invariant before n vectors (as it does for repeated eigenvalues), it
/// restarts from a fresh random vector orthogonal to Q; convergence is only judged on
/// non-invariant steps, since an invariant subspace may miss the extreme eigenvalues.
public enum Lanczos {
    /// Which end of the spectrum to return.
    public enum End: String, Sendable, Codable {
        /// The largest eigenvalues, largest first.
        case largest
        /// The smallest eigenvalues, smallest first.
        case smallest
    }

    /// Ritz values and unit Ritz vectors, most extreme first.
    public struct Result: Sendable, Equatable {
        /// Eigenvalue estimates, most extreme first.
        public var eigenvalues: [Double]
        /// Unit eigenvector estimates (sign fixed as in `SymmetricEigen`).
        public var eigenvectors: [[Double]]
        /// Lanczos steps taken (operator applications).
        public var iterations: Int
        /// Whether every returned pair met the residual tolerance.
        public var converged: Bool
    }

    /// The `count` most extreme eigenpairs of the symmetric operator `multiply` on ℝ^`dimension`.
    ///
    /// - Parameters:
    ///   - tolerance: relative residual bound (default 1e-10).
    ///   - maxIterations: at most this many operator applications (default 300, capped at n).
    ///   - seed: seeds the random start vector (default fixed, so results are reproducible).
    public static func extremeEigenpairs(
        dimension n: Int, count: Int, end: End, tolerance: Double = 1e-10, maxIterations: Int = 300,
        seed: UInt64 = 0x4C41_4E43, multiply: ([Double]) -> [Double]
    ) -> Result {
        let k = min(max(count, 0), n)
        guard k > 0 else { return Result(eigenvalues: [], eigenvectors: [], iterations: 0, converged: true) }
        // The basis holds m·n doubles; cap it at 2²⁴ values (128 MiB).
        let limit = min(n, max(maxIterations, k), max(k, (1 << 24) / max(n, 1)))
        var rng = SeededRandom(seed: seed)
        var basis: [[Double]] = []
        var alpha: [Double] = [], beta: [Double] = []
        guard var q = freshDirection(n, basis, &rng) else {
            return Result(eigenvalues: [], eigenvectors: [], iterations: 0, converged: false)
        }
        var converged = false
        while basis.count < limit {
            basis.append(q)
            let (a, w, b) = step(basis, previousBeta: basis.count > 1 ? beta[beta.count - 1] : 0, multiply: multiply)
            alpha.append(a)
            let scale = max(1, alpha.map(abs).max() ?? 0)
            let invariant = b <= 1e-12 * scale
            let m = basis.count
            // An invariant subspace gives exact Ritz values, but not necessarily the extreme ones:
            // restart rather than stop, unless the basis is complete.
            if m == limit || (m >= k && m % 5 == 0 && !invariant) {
                converged = ritzConverged(alpha, beta, residualNorm: invariant ? 0 : b, k: k, end: end, tolerance: tolerance)
                if converged { break }
            }
            if m == limit { break }
            beta.append(invariant ? 0 : b)
            if invariant {
                guard let restart = freshDirection(n, basis, &rng) else { break }
                q = restart
            } else {
                q = w.map { $0 / b }
            }
        }
        let pairs = ritzPairs(alpha, beta, basis, k: k, end: end)
        return Result(eigenvalues: pairs.values, eigenvectors: pairs.vectors, iterations: basis.count, converged: converged)
    }

    /// The `count` most extreme eigenpairs of an objective's Hessian at `point`, from Hessian-vector products.
    public static func extremeEigenpairs(
        of objective: any Objective, at point: [Double], count: Int, end: End,
        tolerance: Double = 1e-10, maxIterations: Int = 300
    ) -> Result {
        extremeEigenpairs(dimension: objective.dimension, count: count, end: end, tolerance: tolerance, maxIterations: maxIterations) {
            objective.hessianVectorProduct(at: point, $0)
        }
    }

    /// Whether the wanted Ritz pairs' residuals βₘ·|sᵢ,ₘ| are all within tolerance (O(m²), no vectors).
    private static func ritzConverged(
        _ alpha: [Double], _ beta: [Double], residualNorm: Double, k: Int, end: End, tolerance: Double
    ) -> Bool {
        let m = alpha.count
        let ritz = TridiagonalEigen.valuesAndLastComponents(diagonal: alpha, offDiagonal: Array(beta.prefix(max(0, m - 1))))
        guard m >= k else { return false }
        let scale = max(1, abs(ritz[0].value), abs(ritz[m - 1].value))
        let picked = end == .smallest ? ritz.prefix(k) : ritz.suffix(k)
        return picked.allSatisfy { residualNorm * abs($0.last) <= tolerance * scale }
    }

    /// The k wanted Ritz values and unit Ritz vectors Q·sᵢ, most extreme first.
    private static func ritzPairs(
        _ alpha: [Double], _ beta: [Double], _ basis: [[Double]], k: Int, end: End
    ) -> (values: [Double], vectors: [[Double]]) {
        let m = alpha.count
        let eigen = TridiagonalEigen(diagonal: alpha, offDiagonal: Array(beta.prefix(max(0, m - 1))))
        let picked = end == .smallest ? Array(0..<min(k, m)) : Array((0..<m).reversed().prefix(k))
        var values: [Double] = [], vectors: [[Double]] = []
        for i in picked {
            let s = eigen.eigenvectors[i]
            var y = [Double](repeating: 0, count: basis.first?.count ?? 0)
            for j in 0..<m { VectorMath.axpy(s[j], basis[j], &y) }
            y = VectorMath.normalized(y)
            VectorMath.fixSign(&y)
            values.append(eigen.eigenvalues[i])
            vectors.append(y)
        }
        return (values, vectors)
    }

    /// m Lanczos steps from the unit vector `start`, without restarts: the diagonal α and off-diagonal β of
    /// T = QᵀAQ (m and m − 1 values) and the orthonormal basis Q, stopping early when the Krylov space is
    /// invariant (β ≤ 1e-12 · max(1, max|α|)), where T's spectrum is exact on that space.
    public static func krylov(start: [Double], steps m: Int, multiply: ([Double]) -> [Double])
        -> (alpha: [Double], beta: [Double], basis: [[Double]]) {
        var basis: [[Double]] = []
        var alpha: [Double] = [], beta: [Double] = []
        var q = start
        while basis.count < m {
            basis.append(q)
            let (a, w, b) = step(basis, previousBeta: beta.last ?? 0, multiply: multiply)
            alpha.append(a)
            if basis.count == m || b <= 1e-12 * max(1, alpha.map(abs).max() ?? 0) { break }
            beta.append(b)
            q = w.map { $0 / b }
        }
        return (alpha, beta, basis)
    }

    /// One Lanczos step from the last basis vector q: α = qᵀAq and the residual w = Aq − αq − β·q_prev,
    /// orthogonalised twice against the whole basis (full reorthogonalisation), with its norm.
    static func step(_ basis: [[Double]], previousBeta: Double, multiply: ([Double]) -> [Double]) -> (alpha: Double, w: [Double], beta: Double) {
        let q = basis[basis.count - 1]
        var w = multiply(q)
        let a = VectorMath.dot(q, w)
        VectorMath.axpy(-a, q, &w)
        if basis.count > 1 { VectorMath.axpy(-previousBeta, basis[basis.count - 2], &w) }
        orthogonalize(&w, against: basis)
        orthogonalize(&w, against: basis)
        return (a, w, VectorMath.norm(w))
    }

    private static func orthogonalize(_ w: inout [Double], against basis: [[Double]]) {
        for q in basis { VectorMath.axpy(-VectorMath.dot(q, w), q, &w) }
    }

    /// A random unit vector orthogonal to `basis`, or nil when the basis already spans ℝⁿ.
    private static func freshDirection(_ n: Int, _ basis: [[Double]], _ rng: inout SeededRandom) -> [Double]? {
        guard basis.count < n else { return nil }
        for _ in 0..<8 {
            var v = (0..<n).map { _ in rng.nextGaussian() }
            orthogonalize(&v, against: basis)
            orthogonalize(&v, against: basis)
            let norm = VectorMath.norm(v)
            if norm > 1e-8 { return v.map { $0 / norm } }
        }
        return nil
    }
}
