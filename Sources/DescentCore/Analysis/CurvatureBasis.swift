/// Eigenpairs of the Hessian on which a gradient is expanded: what the second-order steps need.
///
/// For n ≤ `maxExactDimension` the dense Hessian's whole eigendecomposition H = Σ λᵢvᵢvᵢᵀ (exact). Above it
/// the Ritz pairs of the Krylov space K_m(H, g) = span{g, Hg, …, H^{m−1}g}: m Lanczos steps from g/‖g‖ give
/// T = QᵀHQ = SΘSᵀ, Ritz pairs (θⱼ, Qsⱼ) and, since g = ‖g‖q₁, coefficients vⱼᵀg = ‖g‖·sⱼ,₁ — so g lies in
/// the span exactly and f(H)g is approximated by Σⱼ f(θⱼ)(vⱼᵀg)vⱼ (exact once m reaches the number of distinct
/// eigenvalues g touches). This is the Krylov-subspace form Dauphin et al. (2014) use for saddle-free Newton.
struct CurvatureBasis {
    /// Eigenvalues (or Ritz values).
    var values: [Double]
    /// Unit eigenvectors (or Ritz vectors).
    var vectors: [[Double]]
    /// vᵢᵀg for each pair.
    var coefficients: [Double]

    /// The basis for `gradient` at `point`.
    ///
    /// - Parameters:
    ///   - maxExactDimension: largest n for the dense Hessian (default 64).
    ///   - krylovDimension: m, Lanczos steps above it (default 30, capped at n).
    init(_ objective: some Objective, at point: [Double], gradient: [Double], maxExactDimension: Int = 64, krylovDimension: Int = 30) {
        let n = objective.dimension
        if n <= maxExactDimension {
            let eigen = SymmetricEigen(objective.hessian(at: point))
            values = eigen.eigenvalues
            vectors = eigen.eigenvectors
            coefficients = vectors.map { VectorMath.dot($0, gradient) }
            return
        }
        let norm = VectorMath.norm(gradient)
        guard norm > 0 else { (values, vectors, coefficients) = ([], [], []); return }
        let (alpha, beta, basis) = Lanczos.krylov(start: gradient.map { $0 / norm }, steps: min(max(krylovDimension, 1), n)) {
            objective.hessianVectorProduct(at: point, $0)
        }
        let t = TridiagonalEigen(diagonal: alpha, offDiagonal: beta)
        values = t.eigenvalues
        vectors = t.eigenvectors.map { s in
            var v = [Double](repeating: 0, count: n)
            for j in 0..<basis.count { VectorMath.axpy(s[j], basis[j], &v) }
            return v
        }
        coefficients = t.eigenvectors.map { norm * $0[0] }
    }

    /// Σᵢ f(λᵢ)·(vᵢᵀg)·vᵢ, leaving out the pairs for which `f` is nil.
    func apply(_ f: (Double) -> Double?) -> [Double] {
        var out = [Double](repeating: 0, count: vectors.first?.count ?? 0)
        for i in values.indices {
            guard let scale = f(values[i]) else { continue }
            VectorMath.axpy(scale * coefficients[i], vectors[i], &out)
        }
        return out
    }

    /// The largest |λ| (at least 1): the scale below which a curvature counts as zero.
    var scale: Double { max(1, values.map(abs).max() ?? 0) }
}
