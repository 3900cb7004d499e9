/// Yogi (Zaheer et al. 2018, "Adaptive Methods for Nonconvex Optimization") with optax's `optax.yogi`
/// semantics (optax 0.2: `scale_by_yogi`, `scale_by_learning_rate`): Adam whose second moment moves
/// towards g² additively, by (1 − β₂)g² at most, so it cannot forget large past gradients abruptly.
///
/// Pseudo-code (γ = lr, β₁ = b1, β₂ = b2, ε = eps, v₀ = initial_accumulator_value, t = step count from 1;
/// every product rounded on its own, as `Optax` says, x·(1 / c) the bias correction as XLA computes it;
/// `**` is the C library's pow):
/// ```
/// m ← v₀, v ← v₀                                  # both moments start at v₀, as in optax
/// m ← (1 − β₁)·g + β₁·m
/// v ← v − (1 − β₂)·sign(v − g²)·g²
/// u ← (m·(1 / (1 − β₁**t))) / (√(v·(1 / (1 − β₂**t))) + ε)
/// θ ← θ + (−γ)·u
/// ```
/// Defaults: b1 0.9, b2 0.999, eps 1e-3, initial_accumulator_value 1e-6 (optax's); lr 1e-2 (optax has
/// no default; the paper's experiments use 1e-2).
public struct Yogi: Optimizer {
    /// β₁.
    public let beta1: Double
    /// β₂.
    public let beta2: Double
    /// ε, added to √v̂.
    public let epsilon: Double
    /// m and v side by side per coordinate.
    private var moments: [Double]
    /// First moment m.
    public var firstMoment: [Double] { moments.deinterleaved(0, width: 2) }
    /// Second moment v.
    public var secondMoment: [Double] { moments.deinterleaved(1, width: 2) }
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates Yogi state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-3,
                initialAccumulatorValue: Double = 1e-6) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        moments = [Double](repeating: initialAccumulatorValue, count: 2 * dimension)
    }

    /// One Yogi step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Yogi step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        let correction1 = Optax.biasCorrection(beta1, stepCount), correction2 = Optax.biasCorrection(beta2, stepCount)
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        moments.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            for i in 0..<n {
                let g = grad[i]
                let m = Optax.moment(state[2 * i], g, decay: b1)
                let v = state[2 * i + 1], square = g * g
                let vNew = v - (1 - b2) * Optax.sign(v - square) * square
                state[2 * i] = m
                state[2 * i + 1] = vNew
                let u = (m * correction1) / ((vNew * correction2).squareRoot() + eps)
                theta[i] = theta[i] + -lr * u
            }
        }
    }
}

extension Yogi: RawStepOptimizer {}
