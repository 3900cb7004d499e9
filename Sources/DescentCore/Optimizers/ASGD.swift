/// Averaged SGD (Polyak & Juditsky 1992) with PyTorch's `torch.optim.ASGD` semantics (torch 2.13,
/// `_single_tensor_asgd`): SGD with a decaying step size and a running average θ̄ of the iterates,
/// which starts averaging after step t₀.
///
/// Pseudo-code (γ = lr, λ = lambd, α = alpha, t₀ = t0, w = weight_decay, t = step count from 1;
/// fma and the kernels' rounding as in `Torch`; `**` is the C library's pow):
/// ```
/// η ← γ (the lr of the first step), μ ← 1, θ̄ ← 0
/// if maximize:  g ← −g
/// if w ≠ 0:  g ← fma(w, θ, g)                    # g + wθ
/// θ ← θ·(1 − λη)
/// θ ← fma(−η, g, θ)                               # θ − ηg
/// if μ ≠ 1:  θ̄ ← θ̄ + (θ − θ̄)·μ
/// else:      θ̄ ← θ
/// η ← γ / (1 + λγt)**α
/// μ ← 1 / max(1, t − t₀)
/// ```
/// Defaults: lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6, weight_decay 0, maximize false.
public struct ASGD: Optimizer {
    /// λ, the decay term.
    public let lambd: Double
    /// α, the power of the step-size decay.
    public let alpha: Double
    /// t₀, the step after which averaging starts.
    public let t0: Double
    /// w, the L2 penalty.
    public let weightDecay: Double
    /// Ascend instead of descend (the gradient is negated first).
    public let maximize: Bool
    /// The averaged parameters θ̄.
    public private(set) var averagedParameters: [Double]
    /// The current step size η (nil before the first step).
    public private(set) var eta: Double?
    /// The current averaging weight μ.
    public private(set) var mu = 1.0
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates ASGD state for `dimension` parameters.
    public init(dimension: Int, lambd: Double = 1e-4, alpha: Double = 0.75, t0: Double = 1e6, weightDecay: Double = 0,
                maximize: Bool = false) {
        self.lambd = lambd; self.alpha = alpha; self.t0 = t0; self.weightDecay = weightDecay; self.maximize = maximize
        averagedParameters = [Double](repeating: 0, count: dimension)
    }

    /// One ASGD step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One ASGD step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        let eta = self.eta ?? lr
        let (lambd, wd, maximize, mu) = (lambd, weightDecay, maximize, mu)
        let shrink = 1 - lambd * eta
        averagedParameters.withUnsafeMutableBufferPointer { average in
            guard let average = average.baseAddress else { return }
            for i in 0..<n {
                var g = maximize ? -grad[i] : grad[i]
                if wd != 0 { g = Torch.add(g, theta[i], alpha: wd) }
                theta[i] = Torch.add(theta[i] * shrink, g, alpha: -eta)
                average[i] = mu != 1 ? average[i] + (theta[i] - average[i]) * mu : theta[i]
            }
        }
        let t = Double(stepCount)
        self.eta = lr / Torch.power(1 + lambd * lr * t, alpha)
        self.mu = 1 / max(1, t - t0)
    }
}

extension ASGD: RawStepOptimizer {}
