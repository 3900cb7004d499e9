/// Resilient backpropagation (Riedmiller & Braun 1993) with PyTorch's `torch.optim.Rprop` semantics
/// (torch 2.13, `_single_tensor_rprop`): every coordinate has its own step size, grown while the
/// gradient keeps its sign and shrunk when it flips; only the gradient's sign moves θ.
///
/// Pseudo-code (γ = lr, η₋, η₊ = etas, Δmin, Δmax = step_sizes):
/// ```
/// g_prev ← 0, Δ ← γ (the lr of the first step; later rates do not change Δ)
/// if maximize:  g ← −g
/// s ← sign(g · g_prev)
/// f ← η₊ if s > 0;  η₋ if s < 0;  1 if s = 0
/// Δ ← min(max(Δ·f, Δmin), Δmax)
/// if f = η₋:  g ← 0                   # after a sign flip: no move, and no flip test next step
/// θ ← θ − sign(g)·Δ
/// g_prev ← g
/// ```
/// Defaults: lr 1e-2, etas (0.5, 1.2), step_sizes (1e-6, 50), maximize false.
public struct Rprop: Optimizer {
    /// η₋, the shrink factor (0 < η₋ < 1).
    public let etaMinus: Double
    /// η₊, the growth factor (> 1).
    public let etaPlus: Double
    /// Δmin.
    public let stepSizeMin: Double
    /// Δmax.
    public let stepSizeMax: Double
    /// Ascend instead of descend (the gradient is negated first).
    public let maximize: Bool
    /// g_prev and Δ side by side per coordinate.
    private var state: [Double]
    /// Per-coordinate step sizes Δ.
    public var stepSizes: [Double] { state.deinterleaved(1, width: 2) }
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates Rprop state for `dimension` parameters.
    public init(dimension: Int, etaMinus: Double = 0.5, etaPlus: Double = 1.2, stepSizeMin: Double = 1e-6,
                stepSizeMax: Double = 50, maximize: Bool = false) {
        self.etaMinus = etaMinus; self.etaPlus = etaPlus; self.stepSizeMin = stepSizeMin; self.stepSizeMax = stepSizeMax
        self.maximize = maximize
        state = [Double](repeating: 0, count: 2 * dimension)
    }

    /// One Rprop step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One Rprop step on raw buffers of `count` values (the arithmetic of both entry points).
    @inline(__always)
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        let first = stepCount == 1
        let (etaMinus, etaPlus, low, high, maximize) = (etaMinus, etaPlus, stepSizeMin, stepSizeMax, maximize)
        state.withUnsafeMutableBufferPointer { state in
            guard let state = state.baseAddress else { return }
            for i in 0..<n {
                var g = maximize ? -grad[i] : grad[i]
                let product = g * state[2 * i]
                let factor = product > 0 ? etaPlus : product < 0 ? etaMinus : 1
                let size = min(max((first ? lr : state[2 * i + 1]) * factor, low), high)
                state[2 * i + 1] = size
                if factor == etaMinus { g = 0 }
                let direction: Double = g > 0 ? 1 : g < 0 ? -1 : 0
                theta[i] -= direction * size
                state[2 * i] = g
            }
        }
    }
}

extension Rprop: RawStepOptimizer {}
