/// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms") with optax's `optax.lion`
/// semantics (optax 0.2: `scale_by_lion`, `add_decayed_weights`, `scale_by_learning_rate`): the update
/// is the sign of an interpolation of the momentum and the gradient, so every coordinate moves by ±γ.
///
/// Pseudo-code (γ = lr, β₁ = b1, β₂ = b2, λ = weight_decay; every product rounded on its own, as
/// `Optax` says; sign(0) = 0):
/// ```
/// m₀ ← 0
/// c ← (1 − β₁)·g + β₁·m
/// m ← (1 − β₂)·g + β₂·m
/// u ← sign(c) + λ·θ                              # decoupled weight decay (skipped for λ = 0)
/// θ ← θ + (−γ)·u
/// ```
/// Defaults: b1 0.9, b2 0.99, weight_decay 1e-3 (optax's); lr 1e-4 (optax has no default: the paper
/// advises 3–10 × smaller than AdamW's).
public struct Lion: Optimizer {
    /// β₁, the interpolation weight of the update.
    public let beta1: Double
    /// β₂, the momentum's decay.
    public let beta2: Double
    /// λ.
    public let weightDecay: Double
    /// The momentum m.
    public private(set) var momentum: [Double]

    /// Creates Lion state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.99, weightDecay: Double = 1e-3) {
        self.beta1 = beta1; self.beta2 = beta2; self.weightDecay = weightDecay
        momentum = [Double](repeating: 0, count: dimension)
    }

    /// One Lion step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Lion step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        let (b1, b2, wd) = (beta1, beta2, weightDecay)
        momentum.withUnsafeMutableBufferPointer { state in
            guard let m = state.baseAddress else { return }
            for i in 0..<n {
                let g = grad[i]
                let c = (1 - b1) * g + b1 * m[i]
                m[i] = Optax.moment(m[i], g, decay: b2)
                let u = Optax.decayed(Optax.sign(c), theta[i], weightDecay: wd)
                theta[i] = theta[i] + -lr * u
            }
        }
    }
}

extension Lion: RawStepOptimizer {}
