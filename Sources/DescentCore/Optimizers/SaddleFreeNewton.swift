/// Saddle-free Newton (Dauphin et al., "Identifying and attacking the saddle point problem in
/// high-dimensional non-convex optimization", 2014): Newton's step with |H| in place of H.
///
/// Pseudo-code (η = lr, μ = damping, H = ∇²L(θ) over all training samples, g the step's gradient):
/// ```
/// H = Σᵢ λᵢvᵢvᵢᵀ                      (dense for n ≤ 64, else Ritz pairs of K_m(H, g); see CurvatureBasis)
/// d ← Σᵢ (vᵢᵀg)/(|λᵢ| + μ) · vᵢ        over the i with |λᵢ| + μ > 1e-12·max(1, max|λ|)
/// θ ← θ − η d
/// ```
/// Along a direction of positive curvature this is Newton's step; along negative curvature it moves the
/// same distance downhill instead of uphill towards the saddle, so saddles repel it. Like every gradient
/// method it does not move where g = 0 exactly. Defaults η = 1, μ = 1e-3 (bounds the step where H is
/// nearly singular), m = 30. With mini-batches g is the batch's gradient and H the full training set's.
public struct SaddleFreeNewton: Optimizer {
    /// The loss whose Hessian is used.
    public let objective: any Objective
    /// μ, added to every |λ|.
    public let damping: Double
    /// m, the Krylov dimension above the dense limit.
    public let krylovDimension: Int

    /// Creates the optimizer for `objective`.
    public init(objective: any Objective, damping: Double = 1e-3, krylovDimension: Int = 30) {
        self.objective = objective
        self.damping = damping
        self.krylovDimension = krylovDimension
    }

    /// One step θ ← θ − η(|H| + μI)⁺g.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        let basis = CurvatureBasis(objective, at: parameters, gradient: gradient, krylovDimension: krylovDimension)
        let zero = 1e-12 * basis.scale, mu = damping
        let d = basis.apply { lambda in abs(lambda) + mu > zero ? 1 / (abs(lambda) + mu) : nil }
        for i in 0..<parameters.count { parameters[i] -= learningRate * d[i] }
    }
}
