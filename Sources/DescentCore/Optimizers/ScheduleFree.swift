/// Schedule-free SGD and AdamW (Defazio et al. 2024, "The Road Less Scheduled") with optax's
/// `optax.contrib.schedule_free_sgd` and `schedule_free_adamw` semantics (optax 0.2, `warmup_steps` None): the
/// momentum of the base rule is replaced by an interpolation y between the base rule's iterate z and a running
/// average x of the z's, weighted by the largest rate so far to the power `weight_lr_power`.
///
/// θ, the recorded parameters, is y: the point where the gradient is taken. x, the point to evaluate (optax's
/// `schedule_free_eval_params`), is the averaged point (`averagedParameters`: the summary's `averaged_params`, the
/// `avg[i]` internals). Pseudo-code (γ = lr of the step, β = b1, p = weight_lr_power, λ = weight_decay; every
/// operation rounded on its own as `Optax` says; t = step count from 1):
/// ```
/// z₀ ← θ₀, W ← 0, γ_max ← 0
/// γ_max ← max(γ_max, γ);  w ← γ_max^p;  W ← W + w;  c ← w / W        (0 when w = W = 0)
/// SGD:    u ← −γ·(g + λθ)                                           (λθ skipped for λ = 0)
/// AdamW:  v ← (1 − β₂)·g² + β₂·v;  v̂ ← v·(1/(1 − β₂ᵗ));  u ← −γ·(g·(1/(√v̂ + ε)) + λθ)
/// z′ ← z + u
/// x ← (1 − c)·((θ − (1 − β)·z)·(1/β)) + c·z′                         # x from y and the old z
/// θ ← θ + ((β·x + (1 − β)·z′) − θ);  z ← z′                           # optax's apply_updates
/// x_eval ← (θ − (1 − β)·z)·(1/β)                                      # schedule_free_eval_params
/// ```
/// Defaults (optax's): SGD lr 1, AdamW lr 0.0025, b1 0.9, b2 0.999, eps 1e-8, weight_decay 0, weight_lr_power 2.
/// The rate of each step comes from the spec's schedule; optax's own `warmup_steps` is not offered.
public struct ScheduleFree: Optimizer {
    /// The base rule whose momentum the schedule-free averaging replaces.
    public enum Base: Sendable, Equatable {
        /// Plain SGD.
        case sgd
        /// AdamW without its first moment (optax's `scale_by_rms` with bias correction, ε outside the root).
        case adamw(beta2: Double, epsilon: Double)
    }

    /// The base rule.
    public let base: Base
    /// β, the interpolation weight of x in y (b1 > 0).
    public let beta: Double
    /// p, the power of the largest rate so far that weights each z in the average.
    public let weightPower: Double
    /// λ, weight decay added to the base update (at y).
    public let weightDecay: Double
    /// The base rule's iterate z.
    public private(set) var z: [Double]
    /// AdamW's second moment v (zeros for SGD).
    public private(set) var secondMoment: [Double]
    /// The averaged point x at the current θ (`schedule_free_eval_params`).
    public private(set) var averagedParameters: [Double]
    /// Σ of the weights so far.
    public private(set) var weightSum = 0.0
    /// The largest rate so far.
    public private(set) var maxRate = 0.0
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// Creates the state from the start θ₀ (z₀ = x₀ = θ₀, as optax's `init` copies the parameters).
    public init(start: [Double], base: Base, beta: Double = 0.9, weightPower: Double = 2, weightDecay: Double = 0) {
        self.base = base; self.beta = beta; self.weightPower = weightPower; self.weightDecay = weightDecay
        z = start
        averagedParameters = start
        if case .adamw = base { secondMoment = [Double](repeating: 0, count: start.count) } else { secondMoment = [] }
    }

    /// One schedule-free step.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        stepArrays(&parameters, &gradient, learningRate: learningRate)
    }

    /// One step on raw buffers of `count` values (the arithmetic of both entry points).
    mutating func step(parameters theta: UnsafeMutablePointer<Double>, gradient grad: UnsafePointer<Double>, count n: Int,
                       learningRate lr: Double) {
        stepCount += 1
        maxRate = Swift.max(maxRate, lr)
        let weight = LibM.pow(maxRate, weightPower)
        let total = weightSum + weight
        let ratio = weight / total
        // optax: NaN when either is NaN, else weight / total with NaN (0/0) as 0.
        let c = ratio.isNaN ? (weight.isNaN || total.isNaN ? Double.nan : 0) : ratio
        weightSum = total
        let (b, wd, scale) = (beta, weightDecay, -lr)
        let keep = 1 - b, inverse = 1 / b, oneMinusC = 1 - c
        var correction = 1.0, b2 = 0.0, eps = 0.0, adam = false
        if case let .adamw(beta2, epsilon) = base {
            b2 = beta2; eps = epsilon; adam = true
            correction = Optax.biasCorrection(beta2, stepCount)
        }
        z.withUnsafeMutableBufferPointer { zs in
            secondMoment.withUnsafeMutableBufferPointer { vs in
                averagedParameters.withUnsafeMutableBufferPointer { xs in
                    guard let z = zs.baseAddress, let x = xs.baseAddress else { return }
                    for i in 0..<n {
                        let y = theta[i], g = grad[i]
                        var u: Double
                        if adam, let v = vs.baseAddress {
                            v[i] = Optax.squaredMoment(v[i], g, decay: b2)
                            let scaling = 1 / ((v[i] * correction).squareRoot() + eps)
                            u = Optax.decayed(scaling * g, y, weightDecay: wd)
                        } else {
                            u = Optax.decayed(g, y, weightDecay: wd)
                        }
                        u = scale * u
                        let zNew = z[i] + u
                        let previous = (y - keep * z[i]) * inverse
                        let average = oneMinusC * previous + c * zNew
                        let next = b * average + keep * zNew
                        let moved = y + (next - y)
                        theta[i] = moved
                        z[i] = zNew
                        x[i] = (moved - keep * zNew) * inverse
                    }
                }
            }
        }
    }
}

extension ScheduleFree: RawStepOptimizer {}
extension ScheduleFree: AveragingOptimizer {}

extension ScheduleFree: StateReportingOptimizer {
    /// The base iterate z (and AdamW's second moment v).
    var stateVectors: [OptimizerStateVector] {
        [OptimizerStateVector("z", z)] + (secondMoment.isEmpty ? [] : [OptimizerStateVector("v", secondMoment)])
    }
}
