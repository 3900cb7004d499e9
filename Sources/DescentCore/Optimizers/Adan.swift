/// Adan (Xie et al. 2022, "Adaptive Nesterov Momentum Algorithm") with optax's `optax.adan` semantics
/// (optax 0.2: `scale_by_adan`, `add_decayed_weights`, `scale_by_learning_rate`): Adam-like moments of
/// the gradient, of the gradient's change and of the squared Nesterov-corrected gradient.
///
/// Pseudo-code (γ = lr, β₁, β₂, β₃ = b1, b2, b3 — optax's decays, the paper's 1 − β; ε = eps, ε_root =
/// eps_root, λ = weight_decay, t = step count from 1; every product rounded on its own, as `Optax` says,
/// x·(1 / c) the bias correction as XLA computes it; `**` is the C library's pow):
/// ```
/// m₀ ← 0, v₀ ← 0, n₀ ← 0, g₋ ← 0
/// d ← 0 at the first step, else g − g₋;  g₋ ← g
/// m ← (1 − β₁)·g + β₁·m
/// v ← (1 − β₂)·d + β₂·v
/// n ← (1 − β₃)·(g + (1 − β₂)·d)² + β₃·n
/// u ← (m·(1 / (1 − β₁**t)) + (1 − β₂)·(v·(1 / (1 − β₂**t)))) / (√(n·(1 / (1 − β₃**t)) + ε_root) + ε) + λ·θ
/// θ ← θ + (−γ)·u
/// ```
/// The weight decay is optax's (added to the update), not the paper's proximal θ/(1 + γλ).
/// Defaults: b1 0.98, b2 0.92, b3 0.99, eps 1e-8, eps_root 1e-8, weight_decay 0 (optax's); lr 1e-3 (optax
/// has no default).
public struct Adan: Optimizer {
    /// β₁, the gradient's decay.
    public let beta1: Double
    /// β₂, the gradient change's decay.
    public let beta2: Double
    /// β₃, the squared corrected gradient's decay.
    public let beta3: Double
    /// ε.
    public let epsilon: Double
    /// ε_root.
    public let epsilonRoot: Double
    /// λ.
    public let weightDecay: Double
    /// m, v, n and the previous gradient side by side per coordinate.
    private var moments: [Double]
    /// First moment m.
    public var firstMoment: [Double] { moments.deinterleaved(0, width: 4) }
    /// Moment of the gradient's change v.
    public var differenceMoment: [Double] { moments.deinterleaved(1, width: 4) }
    /// Second moment n.
    public var secondMoment: [Double] { moments.deinterleaved(2, width: 4) }
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates Adan state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.98, beta2: Double = 0.92, beta3: Double = 0.99, epsilon: Double = 1e-8,
                epsilonRoot: Double = 1e-8, weightDecay: Double = 0) {
        self.beta1 = beta1; self.beta2 = beta2; self.beta3 = beta3; self.epsilon = epsilon; self.epsilonRoot = epsilonRoot
        self.weightDecay = weightDecay
        moments = [Double](repeating: 0, count: 4 * dimension)
    }

    /// One Adan step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Adan step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        let first = stepCount == 0
        stepCount += 1
        let correction1 = Optax.biasCorrection(beta1, stepCount), correction2 = Optax.biasCorrection(beta2, stepCount)
        let correction3 = Optax.biasCorrection(beta3, stepCount)
        let (b1, b2, b3, eps, epsRoot, wd) = (beta1, beta2, beta3, epsilon, epsilonRoot, weightDecay)
        moments.withUnsafeMutableBufferPointer { state in
            guard let s = state.baseAddress else { return }
            for i in 0..<n {
                let g = grad[i]
                let d = first ? 0 : g - s[4 * i + 3]
                let m = Optax.moment(s[4 * i], g, decay: b1)
                let v = Optax.moment(s[4 * i + 1], d, decay: b2)
                let corrected = g + (1 - b2) * d
                let second = Optax.squaredMoment(s[4 * i + 2], corrected, decay: b3)
                s[4 * i] = m; s[4 * i + 1] = v; s[4 * i + 2] = second; s[4 * i + 3] = g
                let direction = m * correction1 + (1 - b2) * (v * correction2)
                let u = Optax.decayed(direction / ((second * correction3 + epsRoot).squareRoot() + eps), theta[i], weightDecay: wd)
                theta[i] = theta[i] + -lr * u
            }
        }
    }
}

extension Adan: RawStepOptimizer {}
