/// The second-order nature of a point, judged from the Hessian's eigenvalues.
public enum CriticalPointKind: String, Codable, Sendable {
    /// All eigenvalues positive.
    case localMinimum = "local_minimum"
    /// All eigenvalues negative.
    case localMaximum = "local_maximum"
    /// Eigenvalues of both signs.
    case saddle
    /// Some eigenvalue is (within tolerance) zero and the signs do not decide.
    case degenerate
}

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
    /// The dense Hessian (nil above `maxExactDimension`).
    public var hessian: [[Double]]?
    /// Hessian eigenvalues, ascending: all of them, or the k smallest and k largest above `maxExactDimension`.
    public var eigenvalues: [Double]
    /// Unit eigenvectors matching `eigenvalues`.
    public var eigenvectors: [[Double]]
    /// Curvature classification from the eigenvalues (made whether or not the point is critical).
    public var kind: CriticalPointKind
    /// Unit eigenvector of the most negative eigenvalue, when one is below −tolerance.
    public var escapeDirection: [Double]?
    /// That most negative eigenvalue.
    public var escapeEigenvalue: Double?
    /// Second-order change ½uᵀHu = ½λ‖u‖² for the step u = stepLength·escapeDirection (negative: a decrease).
    public var predictedDecrease: Double?
}

/// Gradient, Hessian spectrum, classification and escape direction of `objective` at `point`.
///
/// For n ≤ `maxExactDimension` the dense Hessian is decomposed by `SymmetricEigen`; above it
/// `Lanczos` finds the k smallest and k largest eigenpairs from Hessian-vector products.
/// An eigenvalue counts as zero when |λ| ≤ eigenvalueTolerance·max(1, max|λ|).
public func analyzeCriticalPoint(_ objective: any Objective, at point: [Double], options: CriticalPointOptions = .init()) -> CriticalPointReport {
    var gradient = [Double](repeating: 0, count: objective.dimension)
    let value = objective.valueAndGradient(at: point, batch: .full, gradient: &gradient)
    let gradientNorm = VectorMath.norm(gradient)
    let n = objective.dimension
    var hessian: [[Double]]?
    var eigenvalues: [Double] = [], eigenvectors: [[Double]] = []
    if n <= options.maxExactDimension {
        let h = objective.hessian(at: point)
        let eigen = SymmetricEigen(h)
        hessian = h.nested
        (eigenvalues, eigenvectors) = (eigen.eigenvalues, eigen.eigenvectors)
    } else {
        let k = max(1, options.k)
        let low = Lanczos.extremeEigenpairs(of: objective, at: point, count: min(n, 2 * k >= n ? n : k), end: .smallest)
        (eigenvalues, eigenvectors) = (low.eigenvalues, low.eigenvectors)
        if 2 * k < n {
            let high = Lanczos.extremeEigenpairs(of: objective, at: point, count: k, end: .largest)
            eigenvalues += high.eigenvalues.reversed()
            eigenvectors += high.eigenvectors.reversed()
        }
    }
    let scale = max(1, eigenvalues.map(abs).max() ?? 0)
    let zero = options.eigenvalueTolerance * scale
    let kind = classifyCurvature(eigenvalues, zero: zero)
    var report = CriticalPointReport(
        value: value, gradient: gradient, gradientNorm: gradientNorm,
        isCritical: gradientNorm <= options.gradientTolerance, hessian: hessian,
        eigenvalues: eigenvalues, eigenvectors: eigenvectors, kind: kind)
    if let lowest = eigenvalues.first, lowest < -zero {
        report.escapeDirection = eigenvectors[0]
        report.escapeEigenvalue = lowest
        report.predictedDecrease = 0.5 * lowest * options.stepLength * options.stepLength
    }
    return report
}

/// Classifies a spectrum: mixed signs → saddle; all positive → minimum; all negative → maximum; else degenerate.
func classifyCurvature(_ eigenvalues: [Double], zero: Double) -> CriticalPointKind {
    let negative = eigenvalues.contains { $0 < -zero }
    let positive = eigenvalues.contains { $0 > zero }
    let flat = eigenvalues.contains { !($0 < -zero) && !($0 > zero) }
    if negative && positive { return .saddle }
    if flat || eigenvalues.isEmpty { return .degenerate }
    return positive ? .localMinimum : .localMaximum
}

extension CriticalPointReport {
    init(value: Double, gradient: [Double], gradientNorm: Double, isCritical: Bool, hessian: [[Double]]?,
         eigenvalues: [Double], eigenvectors: [[Double]], kind: CriticalPointKind) {
        self.value = value
        self.gradient = gradient
        self.gradientNorm = gradientNorm
        self.isCritical = isCritical
        self.hessian = hessian
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
        self.kind = kind
    }
}
