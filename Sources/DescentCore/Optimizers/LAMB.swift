/// LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning") with optax's `optax.lamb`
/// semantics (optax 0.2: `scale_by_adam`, `add_decayed_weights`, `scale_by_trust_ratio`,
/// `scale_by_learning_rate`): the Adam direction plus decoupled weight decay, rescaled per parameter
/// tensor so that its norm is the tensor's norm (the trust ratio ‖θ‖/‖u‖).
///
/// Pseudo-code (γ = lr, β₁ = b1, β₂ = b2, ε = eps, ε_root = eps_root, λ = weight_decay, t = step count from
/// 1; every product rounded on its own, as `Optax` says, x·(1 / c) the bias correction as XLA computes it;
/// `**` is the C library's pow; norms are Euclidean
/// over one tensor, summed as `Optax.norm` says):
/// ```
/// m₀ ← 0, v₀ ← 0
/// m ← (1 − β₁)·g + β₁·m
/// v ← (1 − β₂)·g² + β₂·v
/// u ← (m·(1 / (1 − β₁**t))) / (√(v·(1 / (1 − β₂**t)) + ε_root) + ε) + λ·θ
/// per tensor:  r ← ‖θ‖ / ‖u‖, or 1 when ‖θ‖ = 0 or ‖u‖ = 0
/// θ ← θ + (−γ)·(u·r)
/// ```
/// The tensors are the objective's parameter tensors (`ParameterTensors`: an MLP's weight matrices,
/// biases, …); an objective without them is one tensor, as a single array is in optax.
/// Defaults: b1 0.9, b2 0.999, eps 1e-6, eps_root 0, weight_decay 0 (optax's); lr 1e-3 (optax has no
/// default).
public struct LAMB: Optimizer {
    /// β₁.
    public let beta1: Double
    /// β₂.
    public let beta2: Double
    /// ε, added to √v̂.
    public let epsilon: Double
    /// ε_root, added to v̂ under the root.
    public let epsilonRoot: Double
    /// λ, decoupled weight decay.
    public let weightDecay: Double
    /// The parameter tensors, as ranges of θ; each gets its own trust ratio.
    public let tensors: [Range<Int>]
    /// m and v side by side per coordinate.
    private var moments: [Double]
    /// The step's update before the trust ratio (scratch, kept to avoid allocating per step).
    private var update: [Double]
    /// First moment m.
    public var firstMoment: [Double] { moments.deinterleaved(0, width: 2) }
    /// Second moment v.
    public var secondMoment: [Double] { moments.deinterleaved(1, width: 2) }
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates LAMB state for `dimension` parameters split into `tensors` (nil: one tensor).
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-6, epsilonRoot: Double = 0,
                weightDecay: Double = 0, tensors: [Range<Int>]? = nil) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.epsilonRoot = epsilonRoot
        self.weightDecay = weightDecay
        self.tensors = tensors ?? [0..<dimension]
        moments = [Double](repeating: 0, count: 2 * dimension)
        update = [Double](repeating: 0, count: dimension)
    }

    /// One LAMB step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One LAMB step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        let correction1 = Optax.biasCorrection(beta1, stepCount), correction2 = Optax.biasCorrection(beta2, stepCount)
        let (b1, b2, eps, epsRoot, wd, tensors) = (beta1, beta2, epsilon, epsilonRoot, weightDecay, tensors)
        moments.withUnsafeMutableBufferPointer { state in
            update.withUnsafeMutableBufferPointer { scratch in
                guard let state = state.baseAddress, let u = scratch.baseAddress else { return }
                for i in 0..<n {
                    let g = grad[i]
                    let m = Optax.moment(state[2 * i], g, decay: b1)
                    let v = Optax.squaredMoment(state[2 * i + 1], g, decay: b2)
                    state[2 * i] = m
                    state[2 * i + 1] = v
                    u[i] = Optax.decayed((m * correction1) / ((v * correction2 + epsRoot).squareRoot() + eps), theta[i], weightDecay: wd)
                }
                for tensor in tensors {
                    let ratio = Optax.trustRatio(parameters: theta + tensor.lowerBound, update: u + tensor.lowerBound,
                                                 count: tensor.count, coefficient: 1, epsilon: 0)
                    for i in tensor { theta[i] = theta[i] + -lr * (u[i] * ratio) }
                }
            }
        }
    }
}

extension LAMB: RawStepOptimizer {}
