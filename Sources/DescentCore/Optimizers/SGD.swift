/// Stochastic gradient descent with PyTorch's `torch.optim.SGD` semantics (torch 2.13, `_single_tensor_sgd`).
///
/// Pseudo-code (γ = lr, λ = weight_decay, μ = momentum, τ = dampening; fma(x, y, z) = x·y + z rounded
/// once, as torch's CPU kernels compute `add(…, alpha=)`; see `Torch`):
/// ```
/// g ← ∇L(θ)
/// if maximize:  g ← −g
/// if λ ≠ 0:  g ← fma(λ, θ, g)                      # g + λθ
/// if μ ≠ 0:
///     if t > 1:  b ← fma(1 − τ, g, μb)              # μb + (1 − τ)g
///     else:      b ← g
///     if nesterov:  g ← fma(μ, b, g)               # g + μb
///     else:         g ← b
/// θ ← fma(−γ, g, θ)                                 # θ − γg
/// ```
/// With `maximize` the gradient is negated before the decay is added, so θ still shrinks towards 0.
/// Defaults: momentum 0, dampening 0, nesterov false, weight_decay 0, maximize false.
public struct SGD: Optimizer {
    /// μ (set per step by a schedule that cycles it).
    public internal(set) var momentum: Double
    /// τ.
    public let dampening: Double
    /// Nesterov momentum (needs μ > 0 and τ = 0 in PyTorch).
    public let nesterov: Bool
    /// λ (L2 penalty added to the gradient).
    public let weightDecay: Double
    /// Ascend instead of descend.
    public let maximize: Bool
    /// Momentum buffer b.
    public private(set) var buffer: [Double]
    /// Steps taken so far.
    public private(set) var stepCount = 0
    /// Whether a step with μ ≠ 0 has set the buffer yet (torch's `momentum_buffer` is no longer None).
    private var bufferStarted = false

    /// Creates SGD state for `dimension` parameters.
    public init(dimension: Int, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
                weightDecay: Double = 0, maximize: Bool = false) {
        self.momentum = momentum; self.dampening = dampening; self.nesterov = nesterov
        self.weightDecay = weightDecay; self.maximize = maximize
        buffer = [Double](repeating: 0, count: dimension)
    }

    /// One SGD step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One SGD step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, count n: Int,
                       learningRate: Double) {
        stepCount += 1
        // torch starts the buffer (b ← g) at the first step whose μ is not 0: the first step for a constant μ.
        let first = !bufferStarted
        if momentum != 0 { bufferStarted = true }
        let (momentum, dampening, nesterov, weightDecay, maximize) = (momentum, dampening, nesterov, weightDecay, maximize)
        let update = { (buffer: UnsafeMutablePointer<Double>?) in
            for i in 0..<n {
                // The arithmetic lockstep runs share (`UpdateArithmetic.swift`).
                var b = buffer?[i] ?? 0
                SGDUpdate.apply(theta: &parameters[i], gradient: gradient[i], buffer: &b, momentum: momentum,
                                dampening: dampening, weightDecay: weightDecay, learningRate: learningRate,
                                decays: weightDecay != 0, hasMomentum: momentum != 0 && buffer != nil, first: first,
                                nesterov: nesterov, maximize: maximize)
                buffer?[i] = b
            }
        }
        if momentum != 0 {
            buffer.withUnsafeMutableBufferPointer { update($0.baseAddress) }
        } else {
            update(nil)
        }
    }
}

extension SGD: RawStepOptimizer {}

extension SGD: MomentumCycling {
    /// Sets μ for the next step (torch reads `momentum` from the param group at every step).
    mutating func setMomentum(_ value: Double) { momentum = value }
}
