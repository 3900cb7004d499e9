/// Adamax (Adam with the infinity norm, Kingma & Ba 2015) with PyTorch's `torch.optim.Adamax`
/// semantics (torch 2.13, `_single_tensor_adamax`).
///
/// Pseudo-code (γ = lr, β₁, β₂ = betas, ε = eps, λ = weight_decay, t = step count from 1; fma, lerp
/// and the kernels' rounding as in `Torch`; `**` is the C library's pow):
/// ```
/// m₀ ← 0, u₀ ← 0
/// if maximize:  g ← −g
/// if λ ≠ 0:  g ← fma(λ, θ, g)                   # g + λθ
/// m ← lerp(m, g, 1 − β₁)                         # β₁m + (1 − β₁)g
/// u ← max(β₂u, |g| + ε)
/// θ ← θ + (−(γ / (1 − β₁**t))·m) / u
/// ```
/// Defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, maximize false.
public struct Adamax: Optimizer {
    /// β₁ (set per step by a schedule that cycles it).
    public internal(set) var beta1: Double
    /// β₂.
    public let beta2: Double
    /// ε.
    public let epsilon: Double
    /// λ.
    public let weightDecay: Double
    /// Ascend instead of descend (the gradient is negated first).
    public let maximize: Bool
    /// m and u side by side per coordinate.
    private var moments: [Double]
    /// First moment m.
    public var firstMoment: [Double] { moments.deinterleaved(0, width: 2) }
    /// Exponentially weighted infinity norm u.
    public var infinityNorm: [Double] { moments.deinterleaved(1, width: 2) }
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates Adamax state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0,
                maximize: Bool = false) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        self.maximize = maximize
        moments = [Double](repeating: 0, count: 2 * dimension)
    }

    /// One Adamax step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Adamax step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        let stepSize = lr / (1 - Torch.power(beta1, Double(stepCount)))
        let (b1, b2, eps, wd, maximize) = (beta1, beta2, epsilon, weightDecay, maximize)
        moments.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            for i in 0..<n {
                var g = maximize ? -grad[i] : grad[i]
                if wd != 0 { g = Torch.add(g, theta[i], alpha: wd) }
                let m = Torch.lerp(state[2 * i], g, weight: 1 - b1)
                let u = max(b2 * state[2 * i + 1], abs(g) + eps)
                state[2 * i] = m
                state[2 * i + 1] = u
                theta[i] = Torch.addcdiv(theta[i], m, u, value: -stepSize)
            }
        }
    }
}

extension Adamax: RawStepOptimizer {}

extension Adamax: MomentumCycling {
    /// Sets β₁ for the next step (torch reads `betas` from the param group at every step, bias corrections included).
    mutating func setMomentum(_ value: Double) { beta1 = value }
}
