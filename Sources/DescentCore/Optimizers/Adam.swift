/// Adam with PyTorch's `torch.optim.Adam` semantics (L2 weight decay added to the gradient).
///
/// Pseudo-code (γ = lr, β₁, β₂ = betas, ε = eps, λ = weight_decay):
/// ```
/// m₀ ← 0, v₀ ← 0, v₀^max ← 0
/// if λ ≠ 0:  g ← g + λθ
/// m ← β₁m + (1 − β₁)g
/// v ← β₂v + (1 − β₂)g²
/// if amsgrad:  v^max ← max(v^max, v);  u ← v^max
/// else:        u ← v
/// θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√u / √(1 − β₂ᵗ) + ε)
/// ```
/// The last line is PyTorch's evaluation order of θ − γ m̂ / (√v̂ + ε) with m̂ = m/(1 − β₁ᵗ),
/// v̂ = u/(1 − β₂ᵗ). Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, amsgrad false.
public struct Adam: Optimizer {
    /// β₁.
    public let beta1: Double
    /// β₂.
    public let beta2: Double
    /// ε.
    public let epsilon: Double
    /// λ: L2 (coupled) for Adam; decoupled when `decoupled` is true (AdamW).
    public let weightDecay: Double
    /// Keep the running maximum of v.
    public let amsgrad: Bool
    /// Apply weight decay as θ ← θ − γλθ before the update (AdamW) instead of g ← g + λθ.
    public let decoupled: Bool
    /// m, v and v^max side by side per coordinate (one array: one uniqueness check per step).
    private var moments: [Double]
    /// First moment m.
    public var firstMoment: [Double] { stride(from: 0, to: moments.count, by: 3).map { moments[$0] } }
    /// Second moment v.
    public var secondMoment: [Double] { stride(from: 1, to: moments.count, by: 3).map { moments[$0] } }
    /// Running maximum of v (amsgrad only; zeros otherwise).
    public var maxSecondMoment: [Double] { stride(from: 2, to: moments.count, by: 3).map { moments[$0] } }
    /// Steps taken so far.
    public private(set) var stepCount = 0
    private var beta1Power = 1.0
    private var beta2Power = 1.0

    /// Creates Adam state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, amsgrad: Bool = false, decoupled: Bool = false) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.amsgrad = amsgrad; self.decoupled = decoupled
        moments = [Double](repeating: 0, count: 3 * dimension)
    }

    /// One Adam (or AdamW) step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Adam (or AdamW) step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate: Double) {
        stepCount += 1
        // β^t by repeated multiplication (what PyTorch's `beta ** step` gives to within an ulp).
        beta1Power *= beta1
        beta2Power *= beta2
        let stepSize = AdamUpdate.stepSize(learningRate: learningRate, beta1Power: beta1Power)
        let correction2 = AdamUpdate.correction2(beta2Power: beta2Power)
        let (b1, b2, eps, wd, decoupled, amsgrad) = (beta1, beta2, epsilon, weightDecay, decoupled, amsgrad)
        // Raw buffers: one uniqueness check per step instead of one per element.
        guard n > 0 else { return }
        moments.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            for i in 0..<n {
                // The arithmetic lockstep runs share (`UpdateArithmetic.swift`).
                AdamUpdate.apply(theta: &theta[i], gradient: grad[i], m: &state[3 * i], v: &state[3 * i + 1],
                                 vMax: &state[3 * i + 2], beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd,
                                 learningRate: learningRate, stepSize: stepSize, correction2: correction2,
                                 decays: wd != 0, decoupled: decoupled, amsgrad: amsgrad)
            }
        }
    }
}

extension Adam: RawStepOptimizer {}
