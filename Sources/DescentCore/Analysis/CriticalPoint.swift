/// Tolerances and sizes for `analyzeCriticalPoint`.
public struct CriticalPointOptions: Sendable, Equatable, Codable {
    /// ‖∇L‖ at or below this counts as critical (default 1e-8, absolute).
    public var gradientTolerance: Double
    /// |λ| at or below this·max(1, max|λ|) counts as zero (default 1e-8).
    public var eigenvalueTolerance: Double
    /// Length of the escape step u along the escape direction (default 1).
    public var stepLength: Double
    /// Largest n for a dense Hessian and Jacobi; above it Lanczos on Hessian-vector products (default 64).
    public var maxExactDimension: Int
    /// Eigenpairs Lanczos finds at each end of the spectrum (default 6).
    public var k: Int

    /// Creates options; every default is the documented one.
    public init(gradientTolerance: Double = 1e-8, eigenvalueTolerance: Double = 1e-8, stepLength: Double = 1.0,
                maxExactDimension: Int = 64, k: Int = 6) {
        self.gradientTolerance = gradientTolerance
        self.eigenvalueTolerance = eigenvalueTolerance
        self.stepLength = stepLength
        self.maxExactDimension = maxExactDimension
        self.k = k
    }
}

/// What the first and second derivatives say about a point.
public struct CriticalPointReport: Codable, Sendable, Equatable {
    /// L at the point.
    public var value: Double
    /// ∇L at the point.
    public var gradient: [Double]
    /// ‖∇L‖.
    public var gradientNorm: Double
    /// Whether ‖∇L‖ ≤ the gradient tolerance.
    public var isCritical: Bool
    /// Number of parameters n.
    public var dimension: Int
    /// The dense Hessian (nil above `maxExactDimension`).
    public var hessian: [[Double]]?
    /// Hessian eigenvalues, ascending: all of them, or the k smallest and k largest above `maxExactDimension`.
    public var eigenvalues: [Double]
    /// Unit eigenvectors matching `eigenvalues`.
    public var eigenvectors: [[Double]]
    /// Whether `eigenvalues` is the whole spectrum (false: only its two ends were computed).
    public var eigenvaluesComplete: Bool
    /// Position of each listed eigenvalue in the whole ascending spectrum, 0-based (0..<n when complete;
    /// else 0..<k and n−k..<n).
    public var eigenvalueIndices: [Int]
    /// The verdict: `not_critical` when ‖∇L‖ is above the tolerance, else the second-order test's.
    public var kind: CriticalPointKind
    /// The Hessian's definiteness at the point (whether or not it is critical).
    public var curvature: HessianCurvature
    /// What `kind` and `curvature` mean here, in words (e.g. that the second-order test is inconclusive).
    public var note: String
    /// Unit eigenvector of the most negative eigenvalue, when one is below −tolerance, turned so that
    /// ∇L·u ≤ 0 (at a critical point: the sign of `SymmetricEigen`, first largest component positive).
    public var escapeDirection: [Double]?
    /// That most negative eigenvalue.
    public var escapeEigenvalue: Double?
    /// Predicted change of the loss for the step u = stepLength·escapeDirection, from the second-order
    /// Taylor expansion: L(x + u) − L(x) ≈ ∇L·u + ½uᵀHu = ∇L·u + ½λ‖u‖². Negative: a decrease
    /// (−1 at the saddle of (1 − w₁w₂)² with step length 1).
    public var predictedChange: Double?
}

/// Gradient, Hessian spectrum, classification and escape direction of `objective` at `point`.
///
/// For n ≤ `maxExactDimension` the dense Hessian is decomposed by `SymmetricEigen`; above it
/// `Lanczos` finds the k smallest and k largest eigenpairs from Hessian-vector products (all n when
/// 2k ≥ n). An eigenvalue counts as zero when |λ| ≤ eigenvalueTolerance·max(1, max|λ|). The kind is
/// `not_critical` whenever ‖∇L‖ > gradientTolerance; the curvature is reported either way.
public func analyzeCriticalPoint(_ objective: any Objective, at point: [Double], options: CriticalPointOptions = .init()) -> CriticalPointReport {
    var gradient = [Double](repeating: 0, count: objective.dimension)
    let value = objective.valueAndGradient(at: point, batch: .full, gradient: &gradient)
    let gradientNorm = VectorMath.norm(gradient)
    let n = objective.dimension
    var hessian: [[Double]]?
    var eigenvalues: [Double] = [], eigenvectors: [[Double]] = []
    var indices = Array(0..<n)
    if n <= options.maxExactDimension {
        let h = objective.hessian(at: point)
        let eigen = SymmetricEigen(h)
        hessian = h.nested
        (eigenvalues, eigenvectors) = (eigen.eigenvalues, eigen.eigenvectors)
    } else {
        let k = max(1, options.k)
        let low = Lanczos.extremeEigenpairs(of: objective, at: point, count: 2 * k >= n ? n : k, end: .smallest)
        (eigenvalues, eigenvectors) = (low.eigenvalues, low.eigenvectors)
        if 2 * k < n {
            let high = Lanczos.extremeEigenpairs(of: objective, at: point, count: k, end: .largest)
            eigenvalues += high.eigenvalues.reversed()
            eigenvectors += high.eigenvectors.reversed()
            indices = Array(0..<k) + Array((n - k)..<n)
        }
    }
    let scale = max(1, eigenvalues.map(abs).max() ?? 0)
    let zero = options.eigenvalueTolerance * scale
    let isCritical = gradientNorm <= options.gradientTolerance
    let curvature = HessianCurvature(eigenvalues: eigenvalues, zero: zero)
    let kind = CriticalPointKind(isCritical: isCritical, curvature: curvature)
    let complete = indices.count == n
    var note = CriticalPointReport.note(kind: kind, curvature: curvature, gradientNorm: gradientNorm,
                                        tolerance: options.gradientTolerance,
                                        zeroCount: eigenvalues.filter { abs($0) <= zero }.count, complete: complete)
    if !complete {
        note += " Only the \(indices.count / 2) smallest and \(indices.count / 2) largest of the \(n) eigenvalues were computed "
            + "(Lanczos); the two ends decide the signs, so the classification holds."
    }
    var report = CriticalPointReport(
        value: value, gradient: gradient, gradientNorm: gradientNorm, isCritical: isCritical, dimension: n,
        hessian: hessian, eigenvalues: eigenvalues, eigenvectors: eigenvectors, eigenvaluesComplete: complete,
        eigenvalueIndices: indices, kind: kind, curvature: curvature, note: note)
    if let lowest = eigenvalues.first, lowest < -zero {
        var u = eigenvectors[0]
        var slope = 0.0
        for i in 0..<n { slope += gradient[i] * u[i] }
        if slope > 0 {
            for i in 0..<n { u[i] = -u[i] }
            slope = -slope
        }
        let s = options.stepLength
        report.escapeDirection = u
        report.escapeEigenvalue = lowest
        report.predictedChange = s * slope + 0.5 * lowest * s * s
    }
    return report
}

extension CriticalPointReport {
    init(value: Double, gradient: [Double], gradientNorm: Double, isCritical: Bool, dimension: Int, hessian: [[Double]]?,
         eigenvalues: [Double], eigenvectors: [[Double]], eigenvaluesComplete: Bool, eigenvalueIndices: [Int],
         kind: CriticalPointKind, curvature: HessianCurvature, note: String) {
        self.value = value
        self.gradient = gradient
        self.gradientNorm = gradientNorm
        self.isCritical = isCritical
        self.dimension = dimension
        self.hessian = hessian
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
        self.eigenvaluesComplete = eigenvaluesComplete
        self.eigenvalueIndices = eigenvalueIndices
        self.kind = kind
        self.curvature = curvature
        self.note = note
    }
}
