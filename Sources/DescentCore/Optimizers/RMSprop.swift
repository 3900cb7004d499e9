/// RMSprop with PyTorch's `torch.optim.RMSprop` semantics (torch 2.13, `_single_tensor_rmsprop`).
///
/// Pseudo-code (γ = lr, α = alpha, ε = eps, λ = weight_decay, μ = momentum; fma, lerp and the
/// kernels' rounding as in `Torch`):
/// ```
/// v₀ ← 0, b₀ ← 0, g^ave₀ ← 0
/// if maximize:  g ← −g
/// if λ ≠ 0:  g ← fma(λ, θ, g)                                  # g + λθ
/// v ← fma((1 − α)g, g, αv)                                      # αv + (1 − α)g²
/// if centered:  g^ave ← lerp(g^ave, g, 1 − α);  d ← √fma(−g^ave, g^ave, v) + ε   # √(v − (g^ave)²) + ε
/// else:         d ← √v + ε
/// if μ > 0:  b ← μb + g/d;  θ ← fma(−γ, b, θ)
/// else:      θ ← θ + (−γg)/d
/// ```
/// Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, centered false, maximize false.
public struct RMSprop: Optimizer {
    /// α.
    public let alpha: Double
    /// ε.
    public let epsilon: Double
    /// λ.
    public let weightDecay: Double
    /// μ (set per step by a schedule that cycles it).
    public internal(set) var momentum: Double
    /// Subtract the squared running mean of g.
    public let centered: Bool
    /// Ascend instead of descend (the gradient is negated first).
    public let maximize: Bool
    /// v, g^ave and b side by side per coordinate (one array: one uniqueness check per step).
    private var state: [Double]
    /// Running mean of g² (v).
    public var squareAverage: [Double] { state.deinterleaved(0, width: 3) }
    /// Running mean of g (centered only).
    public var gradientAverage: [Double] { state.deinterleaved(1, width: 3) }
    /// Momentum buffer b.
    public var buffer: [Double] { state.deinterleaved(2, width: 3) }

    /// Creates the state for `dimension` parameters.
    public init(dimension: Int, alpha: Double = 0.99, epsilon: Double = 1e-8, weightDecay: Double = 0,
                momentum: Double = 0, centered: Bool = false, maximize: Bool = false) {
        self.alpha = alpha; self.epsilon = epsilon; self.weightDecay = weightDecay
        self.momentum = momentum; self.centered = centered; self.maximize = maximize
        state = [Double](repeating: 0, count: 3 * dimension)
    }

    /// One RMSprop step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One RMSprop step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate: Double) {
        let (alpha, eps, wd, momentum, centered, maximize) = (alpha, epsilon, weightDecay, momentum, centered, maximize)
        state.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            for i in 0..<n {
                // The arithmetic lockstep runs share (`UpdateArithmetic.swift`).
                RMSpropUpdate.apply(theta: &theta[i], gradient: grad[i], squareAverage: &state[3 * i],
                                    gradientAverage: &state[3 * i + 1], buffer: &state[3 * i + 2], alpha: alpha, epsilon: eps,
                                    weightDecay: wd, momentum: momentum, learningRate: learningRate,
                                    decays: wd != 0, centered: centered, hasMomentum: momentum > 0, maximize: maximize)
            }
        }
    }
}

extension RMSprop: RawStepOptimizer {}

extension RMSprop: MomentumCycling {
    /// Sets μ for the next step (torch reads `momentum` from the param group at every step).
    mutating func setMomentum(_ value: Double) { momentum = value }
}
