/// Sharpness-aware minimization (Foret et al. 2021) with optax's `optax.contrib.sam` semantics
/// (optax 0.2, `opaque_mode=True`, `sync_period=2`, the paper's drop-in form: the adversarial optimizer
/// `chain(normalize(), sgd(rho))`, the outer optimizer `sgd(lr, momentum, nesterov)`): each step
/// ascends by ρ along the normalised gradient, takes the gradient there, and applies that gradient
/// at the original point.
///
/// Pseudo-code (γ = lr, ρ = rho, μ = momentum; every operation rounded on its own, as `Optax` says;
/// ‖g‖ sums the rounded squares from the first; g/‖g‖ is g·(1/‖g‖), as XLA divides by a broadcast scalar):
/// ```
/// b₀ ← 0
/// g ← ∇L(θ)                                         # the training loop's evaluation
/// θ' ← θ + −((−ρ)·(g·(1 / ‖g‖)))
/// g' ← ∇L(θ')                                       # the rule's own evaluation, full batch
/// if μ > 0:  b ← g' + μ·b;  g' ← nesterov ? g' + μ·b : b
/// θ ← θ + (−γ)·g'
/// ```
/// Every step costs two gradient evaluations, counted in `gradientEvaluations` (both). The recorded
/// loss and gradient norm are the training loop's, at θ, not at θ'. Like L-BFGS it evaluates the
/// objective itself, on the full batch, so it needs `batch_size` null. At g = 0 the direction g/‖g‖ is
/// 0·∞ = NaN, as in optax, and the run stops as diverged at the next step.
/// Defaults: rho 0.05 (the paper's), momentum 0 (optax.sgd's None), nesterov false; lr 1e-2 (optax has
/// no default).
public struct SAM<O: Objective>: Optimizer {
    /// The objective it evaluates at the perturbed point (always on the full batch).
    public let objective: O
    /// ρ, the radius of the ascent step.
    public let rho: Double
    /// μ, the outer SGD's momentum (0: none).
    public let momentum: Double
    /// Nesterov momentum in the outer SGD.
    public let nesterov: Bool
    /// The outer SGD's momentum buffer.
    public private(set) var momentumBuffer: [Double]
    /// Gradient evaluations over all steps: the loop's at θ and the rule's at θ', two per step.
    public private(set) var gradientEvaluations = 0
    /// Scratch: the perturbed point θ' and the gradient there (kept to avoid allocating per step).
    private var perturbed: [Double]
    private var perturbedGradient: [Double]

    /// Creates SAM state for `objective`.
    public init(objective: O, rho: Double = 0.05, momentum: Double = 0, nesterov: Bool = false) {
        self.objective = objective; self.rho = rho; self.momentum = momentum; self.nesterov = nesterov
        momentumBuffer = [Double](repeating: 0, count: objective.dimension)
        perturbed = momentumBuffer
        perturbedGradient = momentumBuffer
    }

    /// One SAM step from the loop's gradient at θ.
    public mutating func step(parameters theta: inout [Double], gradient g: inout [Double], learningRate lr: Double) {
        let n = theta.count
        var squares = 0.0
        for i in 0..<n { squares += g[i] * g[i] }
        let inverseNorm = 1 / squares.squareRoot()
        for i in 0..<n { perturbed[i] = theta[i] + -(-rho * (g[i] * inverseNorm)) }
        _ = objective.valueAndGradient(at: perturbed, batch: .full, gradient: &perturbedGradient)
        gradientEvaluations += 2
        for i in 0..<n {
            var u = perturbedGradient[i]
            if momentum > 0 {
                momentumBuffer[i] = u + momentum * momentumBuffer[i]
                u = nesterov ? u + momentum * momentumBuffer[i] : momentumBuffer[i]
            }
            theta[i] = theta[i] + -lr * u
        }
    }
}
