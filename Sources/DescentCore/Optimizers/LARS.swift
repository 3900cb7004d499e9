/// LARS (You et al. 2017, "Large Batch Training of Convolutional Networks") with optax's `optax.lars`
/// semantics (optax 0.2: `add_decayed_weights`, `scale_by_trust_ratio`, `scale_by_learning_rate`,
/// `trace`): SGD with momentum whose per-tensor step is scaled by the trust ratio c·‖θ‖/(‖u‖ + ε).
///
/// Pseudo-code (γ = lr, λ = weight_decay, c = trust_coefficient, ε = eps, μ = momentum; every product
/// rounded on its own, as `Optax` says; norms are Euclidean over one tensor, summed as `Optax.norm`
/// says):
/// ```
/// b₀ ← 0
/// u ← g + λ·θ
/// per tensor:  r ← c·‖θ‖ / (‖u‖ + ε), or 1 when ‖θ‖ = 0 or ‖u‖ = 0
/// u ← (−γ)·(u·r)
/// b ← u + μ·b                                     # momentum on the scaled step, as optax's trace
/// θ ← θ + (nesterov ? u + μ·b : b)
/// ```
/// The tensors are the objective's parameter tensors (`ParameterTensors`), one tensor otherwise; optax's
/// masks are not offered (every tensor is decayed and scaled).
/// Defaults: weight_decay 0, trust_coefficient 1e-3, eps 0, momentum 0.9, nesterov false (optax's);
/// lr 1 (optax has no default; with c = 1e-3 the step is 1e-3·‖θ‖).
public struct LARS: Optimizer {
    /// λ.
    public let weightDecay: Double
    /// c, the trust coefficient.
    public let trustCoefficient: Double
    /// ε, added to ‖u‖.
    public let epsilon: Double
    /// μ.
    public let momentum: Double
    /// Nesterov momentum.
    public let nesterov: Bool
    /// The parameter tensors, as ranges of θ; each gets its own trust ratio.
    public let tensors: [Range<Int>]
    /// The momentum buffer b.
    public private(set) var momentumBuffer: [Double]
    /// The step's update before the trust ratio (scratch, kept to avoid allocating per step).
    private var update: [Double]

    /// Creates LARS state for `dimension` parameters split into `tensors` (nil: one tensor).
    public init(dimension: Int, weightDecay: Double = 0, trustCoefficient: Double = 1e-3, epsilon: Double = 0,
                momentum: Double = 0.9, nesterov: Bool = false, tensors: [Range<Int>]? = nil) {
        self.weightDecay = weightDecay; self.trustCoefficient = trustCoefficient; self.epsilon = epsilon
        self.momentum = momentum; self.nesterov = nesterov
        self.tensors = tensors ?? [0..<dimension]
        momentumBuffer = [Double](repeating: 0, count: dimension)
        update = [Double](repeating: 0, count: dimension)
    }

    /// One LARS step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One LARS step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        let (wd, c, eps, mu, nesterov, tensors) = (weightDecay, trustCoefficient, epsilon, momentum, nesterov, tensors)
        momentumBuffer.withUnsafeMutableBufferPointer { buffer in
            update.withUnsafeMutableBufferPointer { scratch in
                guard let b = buffer.baseAddress, let u = scratch.baseAddress else { return }
                for i in 0..<n { u[i] = Optax.decayed(grad[i], theta[i], weightDecay: wd) }
                for tensor in tensors {
                    let ratio = Optax.trustRatio(parameters: theta + tensor.lowerBound, update: u + tensor.lowerBound,
                                                 count: tensor.count, coefficient: c, epsilon: eps)
                    for i in tensor {
                        let scaled = -lr * (u[i] * ratio)
                        b[i] = scaled + mu * b[i]
                        theta[i] = theta[i] + (nesterov ? scaled + mu * b[i] : b[i])
                    }
                }
            }
        }
    }
}

extension LARS: RawStepOptimizer {}
