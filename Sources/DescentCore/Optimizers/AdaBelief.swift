/// AdaBelief (Zhuang et al. 2020) with optax's `optax.adabelief` semantics (optax 0.2:
/// `scale_by_belief`, `scale_by_learning_rate`): Adam whose second moment tracks the squared
/// deviation of the gradient from its running mean (the "belief") instead of the squared gradient.
///
/// Pseudo-code (γ = lr, β₁ = b1, β₂ = b2, ε = eps, ε_root = eps_root, t = step count from 1; every
/// product rounded on its own, as `Optax` says, x·(1 / c) the bias correction as XLA computes it;
/// `**` is the C library's pow):
/// ```
/// m₀ ← 0, s₀ ← 0
/// m ← (1 − β₁)·g + β₁·m
/// s ← ((1 − β₂)·(g − m)² + β₂·s) + ε_root
/// m̂ ← m·(1 / (1 − β₁**t)), or with nesterov:  β₁·(m·(1 / (1 − β₁**(t+1)))) + (1 − β₁)·(g·(1 / (1 − β₁**t)))
/// u ← m̂ / (√(s·(1 / (1 − β₂**t))) + ε)
/// θ ← θ + (−γ)·u
/// ```
/// Defaults: b1 0.9, b2 0.999, eps 1e-16, eps_root 1e-16, nesterov false (optax's); lr 1e-3 (optax has no default;
/// the authors' code uses 1e-3).
public struct AdaBelief: Optimizer {
    /// β₁.
    public let beta1: Double
    /// β₂.
    public let beta2: Double
    /// ε, added to √ŝ.
    public let epsilon: Double
    /// ε_root, added to s at every step.
    public let epsilonRoot: Double
    /// Nesterov's look-ahead in the first moment.
    public let nesterov: Bool
    /// m and s side by side per coordinate.
    private var moments: [Double]
    /// First moment m.
    public var firstMoment: [Double] { moments.deinterleaved(0, width: 2) }
    /// The belief s, the running mean of (g − m)².
    public var belief: [Double] { moments.deinterleaved(1, width: 2) }
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates AdaBelief state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-16,
                epsilonRoot: Double = 1e-16, nesterov: Bool = false) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.epsilonRoot = epsilonRoot
        self.nesterov = nesterov
        moments = [Double](repeating: 0, count: 2 * dimension)
    }

    /// One AdaBelief step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One AdaBelief step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        let correction1 = Optax.biasCorrection(beta1, stepCount), correction2 = Optax.biasCorrection(beta2, stepCount)
        let nextCorrection1 = Optax.biasCorrection(beta1, stepCount + 1)
        let (b1, b2, eps, epsRoot, nesterov) = (beta1, beta2, epsilon, epsilonRoot, nesterov)
        moments.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            for i in 0..<n {
                let g = grad[i]
                let m = Optax.moment(state[2 * i], g, decay: b1)
                let s = Optax.squaredMoment(state[2 * i + 1], g - m, decay: b2) + epsRoot
                state[2 * i] = m
                state[2 * i + 1] = s
                let mHat = nesterov ? b1 * (m * nextCorrection1) + (1 - b1) * (g * correction1) : m * correction1
                let u = mHat / ((s * correction2).squareRoot() + eps)
                theta[i] = theta[i] + -lr * u
            }
        }
    }
}

extension AdaBelief: RawStepOptimizer {}
