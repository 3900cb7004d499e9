/// Adagrad in the lecture's form: divide by the root-mean-square of all past gradients.
///
/// Pseudo-code (η = lr, t = 0, 1, 2, …; ε = eps guards g ≡ 0):
/// ```
/// σ_t ← √( (1/(t+1)) Σᵢ₌₀ᵗ gᵢ² )            (per coordinate)
/// η_t ← η                 (default, the lecture's constant η)
/// η_t ← η / √(t+1)        if sqrt_decay
/// θ_{t+1} ← θ_t − η_t / (σ_t + ε) ⊙ g_t
/// ```
/// By default η stays constant, as in the lecture. With `sqrt_decay` the two √(t+1) cancel and the step
/// is η g_t / √(Σ gᵢ²) — PyTorch's Adagrad with lr_decay 0 and ε outside the root.
/// Defaults: lr 1e-2, sqrt_decay false, eps 1e-10.
public struct AdagradLecture: Optimizer {
    /// Whether η_t = η/√(t+1) (PyTorch's Adagrad) instead of the constant η (default false).
    public let sqrtDecay: Bool
    /// ε.
    public let epsilon: Double
    /// Σ g² per coordinate.
    public private(set) var sumOfSquares: [Double]
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates the state for `dimension` parameters.
    public init(dimension: Int, sqrtDecay: Bool = false, epsilon: Double = 1e-10) {
        self.sqrtDecay = sqrtDecay; self.epsilon = epsilon
        sumOfSquares = [Double](repeating: 0, count: dimension)
    }

    /// One step of the lecture's Adagrad.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        let count = Double(stepCount + 1)
        stepCount += 1
        let eta = sqrtDecay ? learningRate / count.squareRoot() : learningRate
        for i in 0..<parameters.count {
            let g = gradient[i]
            let s = sumOfSquares[i] + g * g
            sumOfSquares[i] = s
            let sigma = (s / count).squareRoot()
            parameters[i] -= eta / (sigma + epsilon) * g
        }
    }
}
