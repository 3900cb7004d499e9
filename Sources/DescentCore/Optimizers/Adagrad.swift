/// Adagrad with PyTorch's `torch.optim.Adagrad` semantics.
///
/// Pseudo-code (γ = lr, η = lr_decay, λ = weight_decay, τ = initial_accumulator_value, ε = eps):
/// ```
/// state_sum₀ ← τ
/// γ̃ ← γ / (1 + (t − 1)η)
/// if λ ≠ 0:  g ← g + λθ
/// state_sum ← state_sum + g²
/// θ ← θ − γ̃ g / (√state_sum + ε)
/// ```
/// Defaults: lr 1e-2, lr_decay 0, weight_decay 0, initial_accumulator_value 0, eps 1e-10.
public struct Adagrad: Optimizer {
    /// η.
    public let learningRateDecay: Double
    /// λ.
    public let weightDecay: Double
    /// ε.
    public let epsilon: Double
    /// Σ g² per coordinate.
    public private(set) var stateSum: [Double]
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates the state for `dimension` parameters.
    public init(dimension: Int, learningRateDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, epsilon: Double = 1e-10) {
        self.learningRateDecay = learningRateDecay; self.weightDecay = weightDecay; self.epsilon = epsilon
        stateSum = [Double](repeating: initialAccumulatorValue, count: dimension)
    }

    /// One Adagrad step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepCount += 1
        let clr = AdagradUpdate.decayedRate(learningRate: learningRate, step: stepCount, decay: learningRateDecay)
        for i in 0..<parameters.count {
            // The arithmetic lockstep runs share (`UpdateArithmetic.swift`).
            AdagradUpdate.apply(theta: &parameters[i], gradient: gradient[i], stateSum: &stateSum[i], weightDecay: weightDecay,
                                epsilon: epsilon, decayedRate: clr, decays: weightDecay != 0)
        }
    }
}
