/// Adagrad with PyTorch's `torch.optim.Adagrad` semantics (torch 2.13, `_single_tensor_adagrad`).
///
/// Pseudo-code (γ = lr, η = lr_decay, λ = weight_decay, τ = initial_accumulator_value, ε = eps,
/// t = step count from 1; fma and the kernels' rounding as in `Torch`):
/// ```
/// state_sum₀ ← τ
/// if maximize:  g ← −g
/// if λ ≠ 0:  g ← fma(λ, θ, g)                  # g + λθ
/// γ̃ ← γ / (1 + (t − 1)η)
/// state_sum ← fma(g, g, state_sum)              # state_sum + g²
/// θ ← θ + (−γ̃·g) / (√state_sum + ε)
/// ```
/// Defaults: lr 1e-2, lr_decay 0, weight_decay 0, initial_accumulator_value 0, eps 1e-10, maximize false.
public struct Adagrad: Optimizer {
    /// η.
    public let learningRateDecay: Double
    /// λ.
    public let weightDecay: Double
    /// ε.
    public let epsilon: Double
    /// Ascend instead of descend (the gradient is negated first).
    public let maximize: Bool
    /// Σ g² per coordinate.
    public private(set) var stateSum: [Double]
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates the state for `dimension` parameters.
    public init(dimension: Int, learningRateDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, epsilon: Double = 1e-10, maximize: Bool = false) {
        self.learningRateDecay = learningRateDecay; self.weightDecay = weightDecay; self.epsilon = epsilon
        self.maximize = maximize
        stateSum = [Double](repeating: initialAccumulatorValue, count: dimension)
    }

    /// One Adagrad step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Adagrad step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate: Double) {
        stepCount += 1
        let clr = AdagradUpdate.decayedRate(learningRate: learningRate, step: stepCount, decay: learningRateDecay)
        let (wd, eps, maximize) = (weightDecay, epsilon, maximize)
        stateSum.withUnsafeMutableBufferPointer { sums in
            guard let sums = sums.baseAddress else { return }
            for i in 0..<n {
                // The arithmetic lockstep runs share (`UpdateArithmetic.swift`).
                AdagradUpdate.apply(theta: &theta[i], gradient: grad[i], stateSum: &sums[i], weightDecay: wd, epsilon: eps,
                                    decayedRate: clr, decays: wd != 0, maximize: maximize)
            }
        }
    }
}

extension Adagrad: RawStepOptimizer {}
