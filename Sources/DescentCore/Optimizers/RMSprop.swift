/// RMSprop with PyTorch's `torch.optim.RMSprop` semantics.
///
/// Pseudo-code (γ = lr, α = alpha, ε = eps, λ = weight_decay, μ = momentum):
/// ```
/// v₀ ← 0, b₀ ← 0, g^ave₀ ← 0
/// if λ ≠ 0:  g ← g + λθ
/// v ← αv + (1 − α)g²
/// ṽ ← v
/// if centered:  g^ave ← α g^ave + (1 − α)g;  ṽ ← ṽ − (g^ave)²
/// if μ > 0:  b ← μb + g / (√ṽ + ε);  θ ← θ − γb
/// else:      θ ← θ − γ g / (√ṽ + ε)
/// ```
/// Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, centered false.
public struct RMSprop: Optimizer {
    /// α.
    public let alpha: Double
    /// ε.
    public let epsilon: Double
    /// λ.
    public let weightDecay: Double
    /// μ.
    public let momentum: Double
    /// Subtract the squared running mean of g.
    public let centered: Bool
    /// Running mean of g² (v).
    public private(set) var squareAverage: [Double]
    /// Running mean of g (centered only).
    public private(set) var gradientAverage: [Double]
    /// Momentum buffer b.
    public private(set) var buffer: [Double]

    /// Creates the state for `dimension` parameters.
    public init(dimension: Int, alpha: Double = 0.99, epsilon: Double = 1e-8, weightDecay: Double = 0,
                momentum: Double = 0, centered: Bool = false) {
        self.alpha = alpha; self.epsilon = epsilon; self.weightDecay = weightDecay
        self.momentum = momentum; self.centered = centered
        squareAverage = [Double](repeating: 0, count: dimension)
        gradientAverage = [Double](repeating: 0, count: dimension)
        buffer = [Double](repeating: 0, count: dimension)
    }

    /// One RMSprop step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        for i in 0..<parameters.count {
            // The arithmetic lockstep runs share (`UpdateArithmetic.swift`).
            RMSpropUpdate.apply(theta: &parameters[i], gradient: gradient[i], squareAverage: &squareAverage[i],
                                gradientAverage: &gradientAverage[i], buffer: &buffer[i], alpha: alpha, epsilon: epsilon,
                                weightDecay: weightDecay, momentum: momentum, learningRate: learningRate,
                                decays: weightDecay != 0, centered: centered, hasMomentum: momentum > 0)
        }
    }
}
