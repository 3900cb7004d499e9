/// Adam and AdamW (`Adam`) in lockstep: m, v and v^max per block and coordinate.
///
/// With equal betas across the group (a learning-rate sweep) β₁ᵗ, β₂ᵗ and √(1 − β₂ᵗ) are computed once per
/// step; otherwise per lane, by the same operations.
struct LockstepAdam: LockstepRule {
    private let n: Int
    private let beta1: [Lanes], beta2: [Lanes], epsilon: [Lanes], weightDecay: [Lanes]
    private let decays: Bool, decoupled: Bool, amsgrad: Bool
    private let sharedBetas: (Double, Double)?
    private var beta1Power: [Lanes], beta2Power: [Lanes]
    private var sharedPowers = (1.0, 1.0)
    private var sharedCorrection2 = 1.0
    /// m, v, v^max side by side per block and coordinate.
    private let moments: UnsafeMutablePointer<Lanes>

    init(_ optimizers: [OptimizerConfiguration], blocks: Int, dimension: Int) {
        var b1: [Double] = [], b2: [Double] = [], eps: [Double] = [], wd: [Double] = []
        var flags = (decoupled: false, amsgrad: false)
        for optimizer in optimizers {
            switch optimizer {
            case let .adam(_, beta1, beta2, e, w, ams), let .adamw(_, beta1, beta2, e, w, ams):
                b1.append(beta1); b2.append(beta2); eps.append(e); wd.append(w)
                if case .adamw = optimizer { flags.decoupled = true }
                flags.amsgrad = ams
            default: preconditionFailure("LockstepAdam takes Adam and AdamW members only")
            }
        }
        n = dimension
        beta1 = LaneLayout.lanes(b1, blocks: blocks); beta2 = LaneLayout.lanes(b2, blocks: blocks)
        epsilon = LaneLayout.lanes(eps, blocks: blocks); weightDecay = LaneLayout.lanes(wd, blocks: blocks)
        decays = wd.first.map { $0 != 0 } ?? false
        decoupled = flags.decoupled; amsgrad = flags.amsgrad
        if let s1 = LaneLayout.shared(b1), let s2 = LaneLayout.shared(b2) { sharedBetas = (s1, s2) } else { sharedBetas = nil }
        beta1Power = Array(repeating: Lanes(repeating: 1), count: blocks)
        beta2Power = beta1Power
        moments = LaneLayout.state(3 * blocks * dimension)
    }

    mutating func beginStep() {
        if let (b1, b2) = sharedBetas {
            sharedPowers.0 *= b1
            sharedPowers.1 *= b2
            sharedCorrection2 = AdamUpdate.correction2(beta2Power: sharedPowers.1)
        } else {
            for b in beta1Power.indices {
                beta1Power[b] = beta1Power[b] * beta1[b]
                beta2Power[b] = beta2Power[b] * beta2[b]
            }
        }
    }

    @inline(__always)
    mutating func step(block: Int, theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>, learningRate: Lanes) {
        let stepSize: Lanes, correction2: Lanes
        if sharedBetas != nil {
            stepSize = AdamUpdate.stepSize(learningRate: learningRate, beta1Power: Lanes(repeating: sharedPowers.0))
            correction2 = Lanes(repeating: sharedCorrection2)
        } else {
            stepSize = AdamUpdate.stepSize(learningRate: learningRate, beta1Power: beta1Power[block])
            correction2 = AdamUpdate.correction2(beta2Power: beta2Power[block])
        }
        let (b1, b2, eps, wd) = (beta1[block], beta2[block], epsilon[block], weightDecay[block])
        let state = moments + 3 * block * n
        for i in 0..<n {
            AdamUpdate.apply(theta: &theta[i], gradient: gradient[i], m: &state[3 * i], v: &state[3 * i + 1],
                             vMax: &state[3 * i + 2], beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd,
                             learningRate: learningRate, stepSize: stepSize, correction2: correction2,
                             decays: decays, decoupled: decoupled, amsgrad: amsgrad)
        }
    }

    func deallocate() { moments.deallocate() }
}
