/// RAdam (Liu et al. 2019) with PyTorch's `torch.optim.RAdam` semantics (torch 2.13, `_single_tensor_radam`).
///
/// Pseudo-code (γ = lr, β₁, β₂ = betas, ε = eps, λ = weight_decay, t = step count from 1; fma, lerp
/// and the kernels' rounding as in `Torch`; `**` is the C library's pow):
/// ```
/// m₀ ← 0, v₀ ← 0
/// if maximize:  g ← −g
/// if λ ≠ 0:
///     if decoupled_weight_decay:  θ ← θ·(1 − γλ)
///     else:                       g ← fma(λ, θ, g)               # g + λθ
/// m ← lerp(m, g, 1 − β₁)                                          # β₁m + (1 − β₁)g
/// v ← fma((1 − β₂)g, g, β₂v)                                      # β₂v + (1 − β₂)g²
/// m̂ ← m / (1 − β₁**t)
/// ρ∞ ← 2/(1 − β₂) − 1
/// ρₜ ← ρ∞ − 2t·β₂**t / (1 − β₂**t)
/// if ρₜ > 5:
///     r ← ((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))**0.5      # variance rectification
///     a ← (1 / (√v + ε))·(1 − β₂**t)**0.5                         # adaptive learning rate
///     θ ← θ − ((m̂γ)·a)·r
/// else:
///     θ ← θ − m̂γ                                                  # SGD with momentum while v is unreliable
/// ```
/// Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, decoupled_weight_decay false, maximize false.
public struct RAdam: Optimizer {
    /// β₁ (set per step by a schedule that cycles it).
    public internal(set) var beta1: Double
    /// β₂.
    public let beta2: Double
    /// ε.
    public let epsilon: Double
    /// λ.
    public let weightDecay: Double
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
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates RAdam state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0,
                decoupledWeightDecay: Bool = false, maximize: Bool = false) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay; self.maximize = maximize
        moments = [Double](repeating: 0, count: 2 * dimension)
    }

    /// One RAdam step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One RAdam step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        let t = Double(stepCount)
        let beta2Power = Torch.power(beta2, t)
        let correction1 = 1 - Torch.power(beta1, t)
        let correction2 = 1 - beta2Power
        let rhoInfinity = 2 / (1 - beta2) - 1
        let rho = rhoInfinity - 2 * t * beta2Power / correction2
        let rectified = rho > 5.0
        let rectification = rectified
            ? Torch.power((rho - 4) * (rho - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho), 0.5) : 0
        let correction2Root = Torch.power(correction2, 0.5)
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
                let corrected = m / correction1
                if rectified {
                    let adaptive = (1 / (v.squareRoot() + eps)) * correction2Root
                    theta[i] -= corrected * lr * adaptive * rectification
                } else {
                    theta[i] -= corrected * lr
                }
            }
        }
    }
}

extension RAdam: RawStepOptimizer {}

extension RAdam: MomentumCycling {
    /// Sets β₁ for the next step (torch reads `betas` from the param group at every step, bias corrections included).
    mutating func setMomentum(_ value: Double) { beta1 = value }
}
