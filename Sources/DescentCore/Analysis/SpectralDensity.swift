/// The eigenvalue density of a symmetric operator by stochastic Lanczos quadrature (SLQ).
///
/// Following Ghorbani, Krishnan & Xiao, "An Investigation into Neural Net Optimization via Hessian
/// Eigenvalue Density" (2019): for each unit probe v, m Lanczos steps from v (full reorthogonalisation)
/// give the tridiagonal T = QᵀHQ; its eigenvalues θⱼ (nodes) and the squared first components τⱼ of its
/// unit eigenvectors (weights) are the m-point Gauss quadrature of the spectral measure μ_v = Σᵢ (qᵢᵀv)² δ(λᵢ),
/// exact for every polynomial of degree ≤ 2m − 1: Σⱼ τⱼ θⱼᵖ = vᵀHᵖv. Averaging the quadratures of the probes
/// estimates the spectrum's measure (1/n) Σᵢ δ(λᵢ); smoothing each node with a Gaussian of width σ gives a density.
/// When the Krylov space of a probe becomes invariant (β ≤ 1e-12 · max|α|) its quadrature is exact and
/// stops there.
public struct SpectralDensity: Sendable, Equatable, Codable {
    /// How probes are chosen.
    public enum Probes: String, Sendable, Codable, CaseIterable {
        /// `count` Rademacher vectors (`HessianTrace.rademacherProbe`) scaled to unit length: E[μ_v] = (1/n) Σ δ(λᵢ).
        case rademacher
        /// The n unit vectors e₁…eₙ: Σᵢ μ_{eᵢ} / n is exactly (1/n) Σ δ(λᵢ), so the moments up to 2m − 1 are exact.
        case basis
    }

    /// Quadrature nodes of every probe together, ascending.
    public var nodes: [Double]
    /// Their weights (τⱼ divided by the number of probes), summing to 1.
    public var weights: [Double]
    /// Points where `density` is given, evenly spaced over [min node − 5σ, max node + 5σ].
    public var grid: [Double]
    /// Σⱼ wⱼ · N(t; θⱼ, σ²) at each grid point t.
    public var density: [Double]
    /// The Gaussian width σ.
    public var sigma: Double
    /// The quadrature's moments Σⱼ wⱼ θⱼᵖ for p = 1…4 (estimates of (1/n) Σᵢ λᵢᵖ; smoothing is not included).
    public var moments: [Double]
    /// How the probes were chosen.
    public var probeKind: Probes
    /// Number of probes.
    public var probes: Int
    /// Lanczos steps per probe (at most; fewer when a Krylov space became invariant).
    public var steps: Int

    /// The density of the operator `multiply` on ℝ^`dimension`.
    ///
    /// - Parameters:
    ///   - probes: `.rademacher` (default) or `.basis` (then `count` is ignored: n probes).
    ///   - count: Rademacher probes (default 4).
    ///   - steps: Lanczos steps per probe (default 80, capped at n).
    ///   - points: grid points (default 200, at least 2).
    ///   - sigma: Gaussian width; nil: 1 % of the node range (1e-3 when all nodes coincide).
    ///   - seed: seeds the Rademacher probes.
    public init(dimension n: Int, probes kind: Probes = .rademacher, count: Int = 4, steps: Int = 80, points: Int = 200,
                sigma: Double? = nil, seed: UInt64 = 0, multiply: ([Double]) -> [Double]) {
        let m = min(max(steps, 1), max(n, 1))
        var rng = SeededRandom(seed: seed)
        let probeCount = kind == .basis ? n : max(count, 1)
        var quadrature: [(node: Double, weight: Double)] = []
        for l in 0..<(n > 0 ? probeCount : 0) {
            var v: [Double]
            switch kind {
            case .basis:
                v = [Double](repeating: 0, count: n)
                v[l] = 1
            case .rademacher:
                v = HessianTrace.rademacherProbe(n, &rng)
                let scale = 1 / Double(n).squareRoot()
                for i in 0..<n { v[i] *= scale }
            }
            let (alpha, beta, _) = Lanczos.krylov(start: v, steps: m, multiply: multiply)
            let t = TridiagonalEigen(diagonal: alpha, offDiagonal: beta)
            for (j, theta) in t.eigenvalues.enumerated() {
                let first = t.eigenvectors[j][0]
                quadrature.append((theta, first * first / Double(probeCount)))
            }
        }
        // Ascending nodes; ties keep their order, so the result is deterministic.
        let order = quadrature.indices.sorted { (quadrature[$0].node, $0) < (quadrature[$1].node, $1) }
        nodes = order.map { quadrature[$0].node }
        weights = order.map { quadrature[$0].weight }
        let low = nodes.first ?? 0, high = nodes.last ?? 0
        let width = sigma.flatMap { $0 > 0 && $0.isFinite ? $0 : nil } ?? (high > low ? 0.01 * (high - low) : 1e-3)
        self.sigma = width
        grid = LossSurface.grid((low - 5 * width)...(high + 5 * width), max(points, 2))
        let norm = 1 / (width * (2 * Double.pi).squareRoot())
        let nodes = nodes, weights = weights
        density = grid.map { t in
            var s = 0.0
            for j in nodes.indices {
                let z = (t - nodes[j]) / width
                if abs(z) < 40 { s += weights[j] * norm * LibM.exp(-0.5 * z * z) }
            }
            return s
        }
        moments = (1...4).map { p in
            var s = 0.0
            for j in nodes.indices {
                var power = 1.0
                for _ in 0..<p { power *= nodes[j] }
                s += weights[j] * power
            }
            return s
        }
        probeKind = kind
        probes = n > 0 ? probeCount : 0
        self.steps = m
    }

    /// The mass of the quadrature below −`zero`: an estimate of the fraction of negative eigenvalues.
    public func fraction(below zero: Double) -> Double {
        var s = 0.0
        for j in nodes.indices where nodes[j] < -zero { s += weights[j] }
        return s
    }
}
