/// What to compute about a Hessian's spectrum, and how (`analyzeSpectrum`).
public struct SpectrumOptions: Sendable, Equatable {
    /// How the trace is found.
    public enum TraceMethod: String, Sendable, Codable, CaseIterable {
        /// Exact for n ≤ `maxExactDimension`, Hutchinson above.
        case auto
        /// Σᵢ eᵢᵀHeᵢ: n Hessian-vector products.
        case exact
        /// Hutchinson's estimator with `traceProbes` Rademacher probes.
        case hutchinson
    }

    /// Eigenpairs wanted at each end of the spectrum (default 5).
    public var k: Int
    /// Largest n for the dense Hessian and Jacobi (all eigenvalues exact); Lanczos above (default 64).
    public var maxExactDimension: Int
    /// |λ| ≤ this · max(1, max|λ|) counts as zero (default 1e-8).
    public var eigenvalueTolerance: Double
    /// How the trace is found (default `auto`).
    public var traceMethod: TraceMethod
    /// Hutchinson probes (default 100).
    public var traceProbes: Int
    /// Seed of the Hutchinson probes (default 0).
    public var traceSeed: UInt64
    /// The spectral density's settings; nil: no density (default nil).
    public var density: DensityOptions?

    /// Settings of `SpectralDensity`.
    public struct DensityOptions: Sendable, Equatable {
        /// Rademacher (default) or basis probes.
        public var probes: SpectralDensity.Probes
        /// Rademacher probes (default 4).
        public var count: Int
        /// Lanczos steps per probe (default 80).
        public var steps: Int
        /// Grid points (default 200).
        public var points: Int
        /// Gaussian width; nil: 1 % of the node range.
        public var sigma: Double?
        /// Seed of the Rademacher probes (default 0).
        public var seed: UInt64

        /// Creates density settings; every default is the documented one.
        public init(probes: SpectralDensity.Probes = .rademacher, count: Int = 4, steps: Int = 80, points: Int = 200,
                    sigma: Double? = nil, seed: UInt64 = 0) {
            self.probes = probes; self.count = count; self.steps = steps; self.points = points; self.sigma = sigma; self.seed = seed
        }
    }

    /// Creates options; every default is the documented one.
    public init(k: Int = 5, maxExactDimension: Int = 64, eigenvalueTolerance: Double = 1e-8, traceMethod: TraceMethod = .auto,
                traceProbes: Int = 100, traceSeed: UInt64 = 0, density: DensityOptions? = nil) {
        self.k = k; self.maxExactDimension = maxExactDimension; self.eigenvalueTolerance = eigenvalueTolerance
        self.traceMethod = traceMethod; self.traceProbes = traceProbes; self.traceSeed = traceSeed; self.density = density
    }

    /// Hessian-vector products (or their equivalent for the dense Hessian) these options cost at dimension n,
    /// counting Lanczos at its iteration cap: a bound for size limits, not a prediction.
    public func productBound(dimension n: Int) -> Int {
        let dense = n <= maxExactDimension
        var count = dense ? n : 2 * min(n, 300)
        if !exactTrace(dimension: n) { count += traceProbes } else if !dense { count += n }
        if let d = density { count += (d.probes == .basis ? n : d.count) * min(d.steps, n) }
        return count
    }

    /// Whether the trace is exact at dimension n (`exact`, or `auto` with n ≤ `maxExactDimension`).
    public func exactTrace(dimension n: Int) -> Bool {
        switch traceMethod {
        case .exact: true
        case .hutchinson: false
        case .auto: n <= maxExactDimension
        }
    }
}

/// The spectrum of a Hessian at a point: both ends, trace, density, sign balance and conditioning.
public struct SpectrumReport: Sendable, Equatable, Codable {
    /// Loss at the point.
    public var value: Double
    /// ‖∇L‖ at the point.
    public var gradientNorm: Double
    /// Number of parameters n.
    public var dimension: Int
    /// `dense` (Jacobi on the exact Hessian, n ≤ maxExactDimension) or `lanczos` (Hessian-vector products).
    public var method: String
    /// The k largest eigenvalues, largest first.
    public var topEigenvalues: [Double]
    /// Their unit eigenvectors.
    public var topEigenvectors: [[Double]]
    /// The k smallest eigenvalues, smallest first.
    public var bottomEigenvalues: [Double]
    /// Their unit eigenvectors.
    public var bottomEigenvectors: [[Double]]
    /// Whether every Lanczos pair met its residual tolerance (true for dense).
    public var converged: Bool
    /// tr(H), exact or Hutchinson's estimate with its standard error.
    public var trace: HessianTrace.Estimate
    /// Stochastic Lanczos quadrature of the eigenvalue density, when asked for.
    public var density: SpectralDensity?
    /// Fraction of eigenvalues below −tolerance: exact (dense) or the density's mass there; nil when neither is known.
    public var negativeFraction: Double?
    /// `exact` or `slq`, how `negativeFraction` was found.
    public var negativeFractionMethod: String?
    /// κ₂(H) = max|λ| / min|λ|: over the whole spectrum (dense); from the two ends when they have one sign
    /// (Lanczos: then min|λ| is at an end); nil when H is singular or its interior is unknown.
    public var conditionNumber: Double?
}

/// The spectrum of `objective`'s Hessian at `point`.
///
/// For n ≤ `maxExactDimension` the exact Hessian is decomposed by `SymmetricEigen`; above it `Lanczos`
/// finds the k largest and k smallest eigenpairs from Hessian-vector products. The trace and density use
/// `HessianTrace` and `SpectralDensity` over the same products, so every figure is of one operator.
public func analyzeSpectrum(_ objective: any Objective, at point: [Double], options: SpectrumOptions = .init()) -> SpectrumReport {
    let n = objective.dimension
    var gradient = [Double](repeating: 0, count: n)
    let value = objective.valueAndGradient(at: point, batch: .full, gradient: &gradient)
    let multiply: ([Double]) -> [Double] = { objective.hessianVectorProduct(at: point, $0) }
    let k = min(max(options.k, 1), n)
    var report = SpectrumReport(value: value, gradientNorm: VectorMath.norm(gradient), dimension: n, method: "dense",
                                topEigenvalues: [], topEigenvectors: [], bottomEigenvalues: [], bottomEigenvectors: [],
                                converged: true, trace: .init(value: 0, standardError: 0, method: "exact", probes: 0))
    var all: [Double]?
    if n <= options.maxExactDimension {
        let h = objective.hessian(at: point)
        let eigen = SymmetricEigen(h)
        all = eigen.eigenvalues
        report.bottomEigenvalues = Array(eigen.eigenvalues.prefix(k))
        report.bottomEigenvectors = Array(eigen.eigenvectors.prefix(k))
        report.topEigenvalues = eigen.eigenvalues.suffix(k).reversed()
        report.topEigenvectors = eigen.eigenvectors.suffix(k).reversed()
        report.trace.value = (0..<n).reduce(0) { $0 + h[$1, $1] }
    } else {
        let top = Lanczos.extremeEigenpairs(dimension: n, count: k, end: .largest, multiply: multiply)
        let bottom = Lanczos.extremeEigenpairs(dimension: n, count: k, end: .smallest, multiply: multiply)
        report.method = "lanczos"
        (report.topEigenvalues, report.topEigenvectors) = (top.eigenvalues, top.eigenvectors)
        (report.bottomEigenvalues, report.bottomEigenvectors) = (bottom.eigenvalues, bottom.eigenvectors)
        report.converged = top.converged && bottom.converged
    }
    if !options.exactTrace(dimension: n) {
        report.trace = HessianTrace.hutchinson(dimension: n, probes: options.traceProbes, seed: options.traceSeed, multiply: multiply)
    } else if all == nil {
        report.trace = HessianTrace.exact(dimension: n, multiply: multiply)
    }  // else the dense Hessian's diagonal, summed above
    if let d = options.density {
        report.density = SpectralDensity(dimension: n, probes: d.probes, count: d.count, steps: d.steps, points: d.points,
                                         sigma: d.sigma, seed: d.seed, multiply: multiply)
    }
    let largest = max(abs(report.topEigenvalues.first ?? 0), abs(report.bottomEigenvalues.first ?? 0))
    let zero = options.eigenvalueTolerance * max(1, largest)
    if let all {
        report.negativeFraction = Double(all.filter { $0 < -zero }.count) / Double(max(n, 1))
        report.negativeFractionMethod = "exact"
        let smallest = all.map(abs).min() ?? 0
        report.conditionNumber = smallest > zero ? largest / smallest : nil
    } else {
        if let density = report.density {
            report.negativeFraction = density.fraction(below: zero)
            report.negativeFractionMethod = "slq"
        }
        if let low = report.bottomEigenvalues.first, let high = report.topEigenvalues.first, low > zero || high < -zero {
            report.conditionNumber = max(abs(low), abs(high)) / min(abs(low), abs(high))
        }
    }
    return report
}
