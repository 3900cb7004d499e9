/// Damped Newton's method: a step along −(H + μI)⁻¹g, scaled by the learning rate.
///
/// Pseudo-code (η = lr, μ = damping, H = ∇²L(θ) over all training samples, g the step's gradient):
/// ```
/// H = Σᵢ λᵢvᵢvᵢᵀ                      (dense for n ≤ 64, else Ritz pairs of K_m(H, g); see CurvatureBasis)
/// d ← Σᵢ (vᵢᵀg)/(λᵢ + μ) · vᵢ          over the i with |λᵢ + μ| > 1e-12·max(1, max|λ|)   (a pseudo-inverse)
/// θ ← θ − η d
/// ```
/// With η = 1 and μ = 0 it is Newton's method: one step to the minimum of a positive definite quadratic, but
/// equally one step to a saddle or a maximum, since it moves to the critical point of the local quadratic
/// model whatever its curvature (the lecture's reason for saddle-free Newton). Defaults η = 1, μ = 0, m = 30.
/// With mini-batches g is the batch's gradient and H the full training set's (inference mode).
public struct DampedNewton: Optimizer {
    /// The loss whose Hessian is used.
    public let objective: any Objective
    /// μ, added to every eigenvalue.
    public let damping: Double
    /// m, the Krylov dimension above the dense limit.
    public let krylovDimension: Int

    /// Creates the optimizer for `objective`.
    public init(objective: any Objective, damping: Double = 0, krylovDimension: Int = 30) {
        self.objective = objective
        self.damping = damping
        self.krylovDimension = krylovDimension
    }

    /// One step θ ← θ − η(H + μI)⁺g.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        let basis = CurvatureBasis(objective, at: parameters, gradient: gradient, krylovDimension: krylovDimension)
        let zero = 1e-12 * basis.scale, mu = damping
        let d = basis.apply { lambda in abs(lambda + mu) > zero ? 1 / (lambda + mu) : nil }
        for i in 0..<parameters.count { parameters[i] -= learningRate * d[i] }
    }
}
