/// Gradient descent that steps along the most negative curvature when the gradient is small.
///
/// Pseudo-code (η = lr, ε = grad_tol, s = escape_step, H = ∇²L(θ) over all training samples):
/// ```
/// if ‖g‖ ≤ ε:
///     (λmin, u) ← smallest eigenpair of H   (dense for n ≤ 64, else Lanczos on Hessian-vector products)
///     if λmin < −1e-8·max(1, |λmin|):
///         if gᵀu > 0: u ← −u                 (downhill; at g = 0 the sign of SymmetricEigen/Lanczos)
///         θ ← θ + s·u
///         return
/// θ ← θ − η g                             (fma(−η, g, θ), as sgd rounds it)
/// ```
/// Near a strict saddle, where the gradient vanishes and plain gradient descent stalls (exactly at it, for
/// ever), the step along u lowers the loss by about ½|λmin|s² (the second-order Taylor change). The Hessian
/// is only formed on the steps with ‖g‖ ≤ ε. Defaults η from the spec, ε = 1e-3, s = 0.5.
public struct NegativeCurvatureDescent: Optimizer {
    /// The loss whose Hessian is used.
    public let objective: any Objective
    /// ε: gradient norms at or below it trigger the curvature test.
    public let gradientTolerance: Double
    /// s: length of the step along u.
    public let escapeStep: Double

    /// Creates the optimizer for `objective`.
    public init(objective: any Objective, gradientTolerance: Double = 1e-3, escapeStep: Double = 0.5) {
        self.objective = objective
        self.gradientTolerance = gradientTolerance
        self.escapeStep = escapeStep
    }

    /// One step: the escape step when ‖g‖ ≤ ε and λmin < 0, else θ ← θ − ηg.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        if VectorMath.norm(gradient) <= gradientTolerance, case let (lambda, u)? = smallestEigenpair(at: parameters),
           lambda < -1e-8 * max(1, abs(lambda)) {
            let s = VectorMath.dot(gradient, u) > 0 ? -escapeStep : escapeStep
            for i in 0..<parameters.count { parameters[i] += s * u[i] }
            return
        }
        // Rounded as the sgd rule's step (torch's fma(−η, g, θ)), so away from flat ground this is plain sgd bit for bit.
        for i in 0..<parameters.count { parameters[i] = Torch.add(parameters[i], gradient[i], alpha: -learningRate) }
    }

    private func smallestEigenpair(at point: [Double]) -> (Double, [Double])? {
        if objective.dimension <= 64 {
            let eigen = SymmetricEigen(objective.hessian(at: point))
            guard let value = eigen.eigenvalues.first, let vector = eigen.eigenvectors.first else { return nil }
            return (value, vector)
        }
        let result = Lanczos.extremeEigenpairs(of: objective, at: point, count: 1, end: .smallest)
        guard let value = result.eigenvalues.first, let vector = result.eigenvectors.first else { return nil }
        return (value, vector)
    }
}
