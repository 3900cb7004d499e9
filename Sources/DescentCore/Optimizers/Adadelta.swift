/// Adadelta (Zeiler 2012) with PyTorch's `torch.optim.Adadelta` semantics (torch 2.13, `_single_tensor_adadelta`).
///
/// Pseudo-code (γ = lr, ρ = rho, ε = eps, λ = weight_decay; fma and the kernels' rounding as in `Torch`):
/// ```
/// v₀ ← 0, u₀ ← 0
/// if maximize:  g ← −g
/// if λ ≠ 0:  g ← fma(λ, θ, g)                   # g + λθ
/// v ← fma((1 − ρ)g, g, ρv)                       # ρv + (1 − ρ)g²
/// Δ ← √(u + ε) / √(v + ε) · g
/// u ← fma((1 − ρ)Δ, Δ, ρu)                       # ρu + (1 − ρ)Δ²
/// θ ← fma(−γ, Δ, θ)                              # θ − γΔ
/// ```
/// Defaults: lr 1.0, rho 0.9, eps 1e-6, weight_decay 0, maximize false.
public struct Adadelta: Optimizer {
    /// ρ.
    public let rho: Double
    /// ε.
    public let epsilon: Double
    /// λ.
    public let weightDecay: Double
    /// Ascend instead of descend (the gradient is negated first).
    public let maximize: Bool
    /// v and u side by side per coordinate.
    private var averages: [Double]
    /// Running mean of g² (v).
    public var squareAverage: [Double] { averages.deinterleaved(0, width: 2) }
    /// Running mean of Δ² (u).
    public var accumulatedDelta: [Double] { averages.deinterleaved(1, width: 2) }

    /// Creates Adadelta state for `dimension` parameters.
    public init(dimension: Int, rho: Double = 0.9, epsilon: Double = 1e-6, weightDecay: Double = 0, maximize: Bool = false) {
        self.rho = rho; self.epsilon = epsilon; self.weightDecay = weightDecay; self.maximize = maximize
        averages = [Double](repeating: 0, count: 2 * dimension)
    }

    /// One Adadelta step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Adadelta step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        let (rho, eps, wd, maximize) = (rho, epsilon, weightDecay, maximize)
        averages.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            for i in 0..<n {
                var g = maximize ? -grad[i] : grad[i]
                if wd != 0 { g = Torch.add(g, theta[i], alpha: wd) }
                let v = Torch.scaleAddSquare(state[2 * i], rho, g, value: 1 - rho)
                state[2 * i] = v
                let delta = (state[2 * i + 1] + eps).squareRoot() / (v + eps).squareRoot() * g
                state[2 * i + 1] = Torch.scaleAddSquare(state[2 * i + 1], rho, delta, value: 1 - rho)
                theta[i] = Torch.add(theta[i], delta, alpha: -lr)
            }
        }
    }
}

extension Adadelta: RawStepOptimizer {}
