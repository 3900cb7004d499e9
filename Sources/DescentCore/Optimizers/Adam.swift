internal import CLaneMath

/// Adam with PyTorch's `torch.optim.Adam` semantics (torch 2.13, `_single_tensor_adam`).
///
/// Pseudo-code (γ = lr, β₁, β₂ = betas, ε = eps, λ = weight_decay, t = step count from 1;
/// fma, lerp and the kernels' rounding as in `Torch`; `**` is the C library's pow):
/// ```
/// m₀ ← 0, v₀ ← 0, v₀^max ← 0
/// if maximize:  g ← −g
/// if λ ≠ 0:
///     if decoupled_weight_decay:  θ ← θ·(1 − γλ)
///     else:                       g ← fma(λ, θ, g)              # g + λθ
/// m ← lerp(m, g, 1 − β₁)                                         # β₁m + (1 − β₁)g
/// v ← fma((1 − β₂)g, g, β₂v)                                     # β₂v + (1 − β₂)g²
/// if amsgrad:  v^max ← max(v^max, v);  u ← v^max
/// else:        u ← v
/// s ← γ / (1 − β₁**t)
/// θ ← θ + (−s·m) / (√u / (1 − β₂**t)**0.5 + ε)
/// ```
/// That is θ − γ m̂ / (√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = u/(1 − β₂ᵗ), in torch's evaluation order.
/// Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, amsgrad false, maximize false,
/// decoupled_weight_decay false (true is `AdamW`).
public struct Adam: Optimizer {
    /// β₁ (set per step by a schedule that cycles it).
    public internal(set) var beta1: Double
    /// β₂.
    public let beta2: Double
    /// ε.
    public let epsilon: Double
    /// λ: L2 (coupled) for Adam; decoupled when `decoupled` is true (AdamW).
    public let weightDecay: Double
    /// Keep the running maximum of v.
    public let amsgrad: Bool
    /// Apply weight decay as θ ← θ − γλθ before the update (AdamW) instead of g ← g + λθ.
    public let decoupled: Bool
    /// Ascend instead of descend (the gradient is negated first).
    public let maximize: Bool
    /// m, v and v^max in blocks of four coordinates: block b holds m of coordinates 4b … 4b + 3, then their v, then
    /// their v^max (12 values; the last block padded with zeros). That is a lockstep group's layout with one
    /// coordinate per lane, so CLaneMath's Adam kernel steps four coordinates per instruction (one array: one
    /// uniqueness check per step).
    private var moments: [Double]
    /// Coordinates.
    private let dimension: Int
    /// First moment m.
    public var firstMoment: [Double] { moment(0) }
    /// Second moment v.
    public var secondMoment: [Double] { moment(1) }
    /// Running maximum of v (amsgrad only; zeros otherwise).
    public var maxSecondMoment: [Double] { moment(2) }
    /// Steps taken so far.
    public private(set) var stepCount = 0
    /// Whether whole blocks of four coordinates go through CLaneMath's Adam kernel where the CPU has FMA3 (false:
    /// every coordinate through the Swift loop; the tests compare the two).
    var useKernel = true
    /// Whether both bias corrections 1 − βᵗ have rounded to exactly 1: βᵗ only shrinks, so they stay 1 and
    /// the three pow calls a step costs (≈ 60 ns, more than the rest of a 2-D step) can be skipped.
    private var correctionsSettled = false

    /// Creates Adam state for `dimension` parameters.
    public init(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, amsgrad: Bool = false, decoupled: Bool = false, maximize: Bool = false) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.amsgrad = amsgrad; self.decoupled = decoupled; self.maximize = maximize
        self.dimension = dimension
        moments = [Double](repeating: 0, count: 12 * ((dimension + 3) / 4))
    }

    /// Where coordinate i's m (`which` 0), v (1) or v^max (2) sits in `moments`.
    @inline(__always)
    private static func index(_ i: Int, _ which: Int) -> Int { 12 * (i / 4) + 4 * which + i % 4 }

    private func moment(_ which: Int) -> [Double] { (0..<dimension).map { moments[Self.index($0, which)] } }

    /// One Adam (or AdamW) step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Adam (or AdamW) step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate: Double) {
        stepCount += 1
        // Settled corrections are exactly 1, so γ / 1 = γ: the same step size as computing them.
        var correction1 = 1.0, correction2 = 1.0
        if !correctionsSettled {
            let c = AdamUpdate.corrections(beta1: beta1, beta2: beta2, step: stepCount)
            correction1 = c.correction1
            correction2 = c.correction2
            correctionsSettled = c.settled
        }
        let stepSize = AdamUpdate.stepSize(learningRate: learningRate, correction1: correction1)
        let (b1, b2, eps, wd, decoupled, amsgrad, maximize) = (beta1, beta2, epsilon, weightDecay, decoupled, amsgrad, maximize)
        let decay = AdamUpdate.decay(learningRate: learningRate, weightDecay: wd)
        // Raw buffers: one uniqueness check per step instead of one per element.
        guard n > 0 else { return }
        let blocks = n / 4
        let kernel = useKernel && blocks > 0 && descent_lanes_fma_available() != 0
        moments.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            var first = 0
            if kernel {
                // Whole blocks of four coordinates in the lockstep kernel: each lane does `AdamUpdate.apply`'s
                // operations in its order (torch's fused multiply-adds as FMA3 instructions), so the bits are those
                // of the loop below.
                // On the stack: this runs at every step.
                let shared: InlineArray<7, Double> = [learningRate, b1, b2, eps, wd, correction1, correction2]
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * shared.count) { lanes in
                    guard let lanes = lanes.baseAddress else { return }
                    for k in shared.indices { (lanes + 4 * k).initialize(repeating: shared[k], count: 4) }
                    var group = descent_adam_lanes(blocks: 1, dimension: blocks, learning_rates: lanes, beta1: lanes + 4,
                                                   beta2: lanes + 8, epsilon: lanes + 12, weight_decay: lanes + 16,
                                                   correction1: lanes + 20, correction2: lanes + 24, decays: wd != 0 ? 1 : 0,
                                                   decoupled: decoupled ? 1 : 0, amsgrad: amsgrad ? 1 : 0,
                                                   maximize: maximize ? 1 : 0)
                    var running: UInt8 = 1
                    descent_adam_lanes_step(&group, theta, grad, state, &running)
                }
                first = 4 * blocks
            }
            for i in first..<n {
                // The arithmetic lockstep runs share (`UpdateArithmetic.swift`).
                AdamUpdate.apply(theta: &theta[i], gradient: grad[i], m: &state[Self.index(i, 0)], v: &state[Self.index(i, 1)],
                                 vMax: &state[Self.index(i, 2)], beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd,
                                 decay: decay, stepSize: stepSize, correction2: correction2,
                                 decays: wd != 0, decoupled: decoupled, amsgrad: amsgrad, maximize: maximize)
            }
        }
    }
}

extension Adam: RawStepOptimizer {}

extension Adam: MomentumCycling {
    /// Sets β₁ for the next step (torch reads `betas` from the param group at every step, bias corrections included).
    mutating func setMomentum(_ value: Double) {
        beta1 = value
        // The corrections settle for one β₁ only: with β₁ changing they are computed at every step.
        correctionsSettled = false
    }
}
