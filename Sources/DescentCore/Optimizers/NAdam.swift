/// NAdam (Dozat 2016) with PyTorch's `torch.optim.NAdam` semantics (torch 2.13, `_single_tensor_nadam`).
///
/// Pseudo-code (γ = lr, β₁, β₂ = betas, ε = eps, λ = weight_decay, ψ = momentum_decay, t = step count
/// from 1; fma, lerp and the kernels' rounding as in `Torch`; `**` is the C library's pow):
/// ```
/// m₀ ← 0, v₀ ← 0, Π₀ ← 1
/// if maximize:  g ← −g
/// if λ ≠ 0:
///     if decoupled_weight_decay:  θ ← θ·(1 − γλ)
///     else:                       g ← fma(λ, θ, g)               # g + λθ
/// μ  ← β₁(1 − 0.5·0.96**(tψ))
/// μ' ← β₁(1 − 0.5·0.96**((t + 1)ψ))
/// Π ← Π·μ
/// m ← lerp(m, g, 1 − β₁)                                          # β₁m + (1 − β₁)g
/// v ← fma((1 − β₂)g, g, β₂v)                                      # β₂v + (1 − β₂)g²
/// d ← √(v / (1 − β₂**t)) + ε
/// θ ← θ + ((−γ(1 − μ) / (1 − Π))·g) / d
/// θ ← θ + ((−γμ' / (1 − Πμ'))·m) / d
/// ```
/// Defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, momentum_decay 4e-3,
/// decoupled_weight_decay false, maximize false.
public struct NAdam: Optimizer {
    /// β₁ (set per step by a schedule that cycles it).
    public internal(set) var beta1: Double
    /// β₂.
    public let beta2: Double
    /// ε.
    public let epsilon: Double
    /// λ.
    public let weightDecay: Double
    /// ψ, the momentum schedule's decay.
    public let momentumDecay: Double
    /// Weight decay as θ ← θ(1 − γλ) instead of g ← g + λθ.
    public let decoupledWeightDecay: Bool
    /// Ascend instead of descend (the gradient is negated first).
    public let maximize: Bool
    /// m and v side by side per coordinate.
    private var moments: [Double]
    /// First moment m.
    public var firstMoment: [Double] { moments.deinterleaved(0, width: 2) }
    /// Second moment v.
    public var secondMoment: [Double] { moments.deinterleaved(1, width: 2) }
    /// Π, the product of the momentum coefficients μ so far.
    public private(set) var muProduct = 1.0
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates NAdam state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0,
                momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false, maximize: Bool = false) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        self.momentumDecay = momentumDecay; self.decoupledWeightDecay = decoupledWeightDecay; self.maximize = maximize
        moments = [Double](repeating: 0, count: 2 * dimension)
    }

    /// One NAdam step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One NAdam step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        let t = Double(stepCount)
        let correction2 = 1 - Torch.power(beta2, t)
        let mu = beta1 * (1.0 - 0.5 * Torch.power(0.96, t * momentumDecay))
        let muNext = beta1 * (1.0 - 0.5 * Torch.power(0.96, (t + 1) * momentumDecay))
        muProduct *= mu
        let gradientScale = -lr * (1.0 - mu) / (1.0 - muProduct)
        let momentScale = -lr * muNext / (1.0 - muProduct * muNext)
        let (b1, b2, eps, wd, decoupled, maximize) = (beta1, beta2, epsilon, weightDecay, decoupledWeightDecay, maximize)
        let decay = 1 - lr * wd
        moments.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            for i in 0..<n {
                var g = maximize ? -grad[i] : grad[i]
                if wd != 0 {
                    if decoupled { theta[i] *= decay } else { g = Torch.add(g, theta[i], alpha: wd) }
                }
                let m = Torch.lerp(state[2 * i], g, weight: 1 - b1)
                let v = Torch.scaleAddSquare(state[2 * i + 1], b2, g, value: 1 - b2)
                state[2 * i] = m
                state[2 * i + 1] = v
                let denominator = (v / correction2).squareRoot() + eps
                theta[i] = Torch.addcdiv(theta[i], g, denominator, value: gradientScale)
                theta[i] = Torch.addcdiv(theta[i], m, denominator, value: momentScale)
            }
        }
    }
}

extension NAdam: RawStepOptimizer {}

extension NAdam: MomentumCycling {
    /// Sets β₁ for the next step (torch reads `betas` from the param group at every step, bias corrections included).
    mutating func setMomentum(_ value: Double) { beta1 = value }
}
