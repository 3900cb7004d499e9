/// RMSprop in the lecture's form: σ starts at |g₀| instead of 0.
///
/// Pseudo-code (η = lr, α = alpha, ε = eps guards σ = 0):
/// ```
/// σ₀ ← |g₀|
/// σ_t ← √( α σ²_{t−1} + (1 − α) g²_t )     (t ≥ 1, per coordinate)
/// θ_{t+1} ← θ_t − η / (σ_t + ε) ⊙ g_t
/// ```
/// Unlike PyTorch's RMSprop (v₀ = 0, so early steps are ≈ 1/√(1−α) times larger) the first step
/// is exactly η·sign(g₀). Defaults: lr 1e-2, alpha 0.9, eps 1e-10.
public struct RMSpropLecture: Optimizer {
    /// α.
    public let alpha: Double
    /// ε.
    public let epsilon: Double
    /// σ per coordinate.
    public private(set) var sigma: [Double]
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates the state for `dimension` parameters.
    public init(dimension: Int, alpha: Double = 0.9, epsilon: Double = 1e-10) {
        self.alpha = alpha; self.epsilon = epsilon
        sigma = [Double](repeating: 0, count: dimension)
    }

    /// One step of the lecture's RMSprop.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        let first = stepCount == 0
        stepCount += 1
        for i in 0..<parameters.count {
            let g = gradient[i]
            let s = first ? abs(g) : (alpha * sigma[i] * sigma[i] + (1 - alpha) * g * g).squareRoot()
            sigma[i] = s
            parameters[i] -= learningRate / (s + epsilon) * g
        }
    }
}
