/// Prodigy (Mishchenko & Defazio 2023, "An Expeditiously Adaptive Parameter-Free Learner") with optax's
/// `optax.contrib.prodigy` semantics (optax 0.2): Adam whose step size d is estimated from the run
/// (starting at d₀ = estim_lr0 and never decreasing); the learning rate multiplies d, so lr 1 is the
/// method as published.
///
/// Pseudo-code (γ = lr, β₁, β₂ = betas, β₃ = beta3 (√β₂ when null), ε = eps, d₀ = estim_lr0, c = estim_lr_coef,
/// λ = weight_decay, t = step count from 1; every operation rounded on its own, as `Optax` says; x / d₀ is
/// a vector's x / d₀ is x·(1/d₀) as XLA divides by a broadcast scalar; ⟨g, θ₀ − θ⟩ is x₀y₀ then fma(xᵢ, yᵢ, ·)
/// forward, XLA's dot for two values; β**t is `Optax.integerPower`, other `**` the C library's pow):
/// ```
/// θ₀ ← the start, d ← d₀, m ← 0, v ← 0, s ← 0, r ← 0
/// η ← (d·γ)·((1 − β₂**t)**0.5 / (1 − β₁**t))
/// m ← β₁·m + (1 − β₁)·(d·g)
/// v ← β₂·v + ((1 − β₂)·(d·g))·(d·g)
/// s ← β₃·s + (safeguard_warmup ? d : η)·(d·g)·(1/d₀)
/// r ← β₃·r + ((d / d₀)·η)·⟨g, θ₀ − θ⟩
/// d' ← max(d, (c·r) / Σ|s|)
/// θ ← θ + (((−λ)·η)·θ − (η·m) / (√v + d'·ε))
/// d ← d'
/// ```
/// Defaults (optax's): lr 1, betas (0.9, 0.999), beta3 null, eps 1e-8, estim_lr0 1e-6, estim_lr_coef 1,
/// weight_decay 0, safeguard_warmup false.
public struct Prodigy: Optimizer {
    /// β₁.
    public let beta1: Double
    /// β₂.
    public let beta2: Double
    /// β₃, the decay of s and r.
    public let beta3: Double
    /// ε, scaled by d in the denominator.
    public let epsilon: Double
    /// d₀, the initial step-size estimate.
    public let initialEstimate: Double
    /// c, the estimate's coefficient.
    public let estimateCoefficient: Double
    /// λ, decoupled weight decay (scaled by η).
    public let weightDecay: Double
    /// Use d instead of η in s (avoids a small denominator during warm-up).
    public let safeguardWarmup: Bool
    /// The step-size estimate d.
    public private(set) var estimate: Double
    /// r, the weighted numerator of the estimate.
    public private(set) var numerator = 0.0
    /// Steps taken so far.
    public private(set) var stepCount = 0
    /// m, v, s and θ₀ side by side per coordinate.
    private var state: [Double]

    /// Creates Prodigy state for `dimension` parameters; `beta3` nil means √β₂.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, beta3: Double? = nil, epsilon: Double = 1e-8,
                initialEstimate: Double = 1e-6, estimateCoefficient: Double = 1, weightDecay: Double = 0,
                safeguardWarmup: Bool = false) {
        self.beta1 = beta1; self.beta2 = beta2; self.beta3 = beta3 ?? LibM.pow(beta2, 0.5); self.epsilon = epsilon
        self.initialEstimate = initialEstimate; self.estimateCoefficient = estimateCoefficient
        self.weightDecay = weightDecay; self.safeguardWarmup = safeguardWarmup
        estimate = initialEstimate
        state = [Double](repeating: 0, count: 4 * dimension)
    }

    /// One Prodigy step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Prodigy step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        let first = stepCount == 0
        stepCount += 1
        let correction = LibM.pow(1 - Optax.integerPower(beta2, stepCount), 0.5) / (1 - Optax.integerPower(beta1, stepCount))
        let d = estimate
        let eta = d * lr * correction
        let inverseInitial = 1 / initialEstimate
        let (b1, b2, b3, eps, wd) = (beta1, beta2, beta3, epsilon, weightDecay)
        let sWeight = safeguardWarmup ? d : eta
        var next = d
        state.withUnsafeMutableBufferPointer { buffer in
            guard let s = buffer.baseAddress else { return }
            if first { for i in 0..<n { s[4 * i + 3] = theta[i] } }
            var dot = 0.0, absoluteSum = 0.0
            for i in 0..<n {
                let g = grad[i], dg = d * g
                let product = g * (s[4 * i + 3] - theta[i])
                dot = i == 0 ? product : dot.addingProduct(g, s[4 * i + 3] - theta[i])
                s[4 * i] = b1 * s[4 * i] + (1 - b1) * dg
                s[4 * i + 1] = b2 * s[4 * i + 1] + (1 - b2) * dg * dg
                s[4 * i + 2] = b3 * s[4 * i + 2] + sWeight * dg * inverseInitial
                absoluteSum += abs(s[4 * i + 2])
            }
            numerator = b3 * numerator + d / initialEstimate * eta * dot
            next = max(d, estimateCoefficient * numerator / absoluteSum)
            for i in 0..<n {
                let update = -wd * eta * theta[i] - eta * s[4 * i] / (s[4 * i + 1].squareRoot() + next * eps)
                theta[i] = theta[i] + update
            }
        }
        estimate = next
    }
}

extension Prodigy: RawStepOptimizer {}
