/// Adam and AdamW (`Adam`, decoupled or L2 weight decay, amsgrad, maximize) in lockstep: m, v and v^max per
/// block and coordinate.
///
/// The bias corrections 1 − β₁**t and (1 − β₂**t)**0.5 are the scalar optimizer's (`AdamUpdate.corrections`,
/// the C library's pow as Python computes them): with equal betas across the group (a learning-rate sweep)
/// once per step for all lanes, otherwise once per member and step.
struct LockstepAdam: LockstepRule {
    private let n: Int
    private let beta1: [Lanes], beta2: [Lanes], epsilon: [Lanes], weightDecay: [Lanes]
    /// The members' betas (lane k of block b is member 4b + k; padding lanes repeat member 0).
    private let memberBetas: [(Double, Double)]
    private let decays: Bool, decoupled: Bool, amsgrad: Bool, maximize: Bool
    private let sharedBetas: (Double, Double)?
    private var stepCount = 0
    /// Whether every member's corrections have rounded to 1 (they stay 1: see `AdamUpdate.corrections`).
    private var correctionsSettled = false
    /// 1 − β₁**t and (1 − β₂**t)**0.5 per block for this step.
    private var correction1: [Lanes], correction2: [Lanes]
    /// m, v, v^max side by side per block and coordinate.
    private let moments: UnsafeMutablePointer<Lanes>

    init(_ optimizers: [OptimizerConfiguration], blocks: Int, dimension: Int) {
        var b1: [Double] = [], b2: [Double] = [], eps: [Double] = [], wd: [Double] = []
        var flags = (decoupled: false, amsgrad: false, maximize: false)
        for optimizer in optimizers {
            switch optimizer {
            case let .adam(_, beta1, beta2, e, w, ams, maxi, dec):
                b1.append(beta1); b2.append(beta2); eps.append(e); wd.append(w)
                flags = (dec, ams, maxi)
            case let .adamw(_, beta1, beta2, e, w, ams, maxi):
                b1.append(beta1); b2.append(beta2); eps.append(e); wd.append(w)
                flags = (true, ams, maxi)
            default: preconditionFailure("LockstepAdam takes Adam and AdamW members only")
            }
        }
        n = dimension
        beta1 = LaneLayout.lanes(b1, blocks: blocks); beta2 = LaneLayout.lanes(b2, blocks: blocks)
        epsilon = LaneLayout.lanes(eps, blocks: blocks); weightDecay = LaneLayout.lanes(wd, blocks: blocks)
        memberBetas = (0..<blocks * Lanes.scalarCount).map { i in i < b1.count ? (b1[i], b2[i]) : (b1.first ?? 0, b2.first ?? 0) }
        decays = wd.first.map { $0 != 0 } ?? false
        decoupled = flags.decoupled; amsgrad = flags.amsgrad; maximize = flags.maximize
        if let s1 = LaneLayout.shared(b1), let s2 = LaneLayout.shared(b2) { sharedBetas = (s1, s2) } else { sharedBetas = nil }
        correction1 = Array(repeating: Lanes(repeating: 1), count: blocks)
        correction2 = correction1
        moments = LaneLayout.state(3 * blocks * dimension)
    }

    mutating func beginStep() {
        stepCount += 1
        guard !correctionsSettled else { return }
        if let (b1, b2) = sharedBetas {
            let c = AdamUpdate.corrections(beta1: b1, beta2: b2, step: stepCount)
            for b in correction1.indices {
                correction1[b] = Lanes(repeating: c.correction1)
                correction2[b] = Lanes(repeating: c.correction2)
            }
            correctionsSettled = c.settled
        } else {
            var settled = true
            for b in correction1.indices {
                for k in 0..<Lanes.scalarCount {
                    let (b1, b2) = memberBetas[b * Lanes.scalarCount + k]
                    let c = AdamUpdate.corrections(beta1: b1, beta2: b2, step: stepCount)
                    correction1[b][k] = c.correction1
                    correction2[b][k] = c.correction2
                    settled = settled && c.settled
                }
            }
            correctionsSettled = settled
        }
    }

    @inline(__always)
    mutating func step(block: Int, theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>, learningRate: Lanes) {
        let stepSize = AdamUpdate.stepSize(learningRate: learningRate, correction1: correction1[block])
        let correction2 = correction2[block]
        let (b1, b2, eps, wd) = (beta1[block], beta2[block], epsilon[block], weightDecay[block])
        let decay = AdamUpdate.decay(learningRate: learningRate, weightDecay: wd)
        let state = moments + 3 * block * n
        for i in 0..<n {
            AdamUpdate.apply(theta: &theta[i], gradient: gradient[i], m: &state[3 * i], v: &state[3 * i + 1],
                             vMax: &state[3 * i + 2], beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, decay: decay,
                             stepSize: stepSize, correction2: correction2,
                             decays: decays, decoupled: decoupled, amsgrad: amsgrad, maximize: maximize)
        }
    }

    func deallocate() { moments.deallocate() }
}
