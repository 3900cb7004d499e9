internal import CLaneMath

/// Adam and AdamW (`Adam`, decoupled or L2 weight decay, amsgrad, maximize) in lockstep: m, v and v^max per
/// block and coordinate.
///
/// The bias corrections 1 − β₁**t and (1 − β₂**t)**0.5 are the scalar optimizer's (`AdamUpdate.corrections`,
/// the C library's pow as Python computes them): with equal betas across the group (a learning-rate sweep)
/// once per step for all lanes, otherwise once per member and step.
///
/// Where the CPU has FMA3 a step of all blocks is one call of `descent_adam_lanes_step` (CLaneMath): the same
/// operations in the same order on 256-bit registers, with no vector kept across a call (the fused multiply-add
/// is otherwise a call per operation, and every call spills the live SSE registers).
struct LockstepAdam: LockstepRule {
    private let n: Int, blocks: Int
    /// β₁, β₂, ε, λ and this step's 1 − β₁**t, (1 − β₂**t)**0.5, each `blocks` lanes long, one after the other.
    private let values: UnsafeMutablePointer<Lanes>
    private var beta1: UnsafeMutablePointer<Lanes> { values }
    private var beta2: UnsafeMutablePointer<Lanes> { values + blocks }
    private var epsilon: UnsafeMutablePointer<Lanes> { values + 2 * blocks }
    private var weightDecay: UnsafeMutablePointer<Lanes> { values + 3 * blocks }
    private var correction1: UnsafeMutablePointer<Lanes> { values + 4 * blocks }
    private var correction2: UnsafeMutablePointer<Lanes> { values + 5 * blocks }
    /// The members' betas (lane k of block b is member 4b + k; padding lanes repeat member 0).
    private let memberBetas: [(Double, Double)]
    private let decays: Bool, decoupled: Bool, amsgrad: Bool, maximize: Bool
    private let sharedBetas: (Double, Double)?
    private var stepCount = 0
    /// Whether every member's corrections have rounded to 1 (they stay 1: see `AdamUpdate.corrections`).
    private var correctionsSettled = false
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
        self.blocks = blocks
        values = LaneLayout.state(6 * blocks,
                                  fill: LaneLayout.lanes(b1, blocks: blocks) + LaneLayout.lanes(b2, blocks: blocks)
                                      + LaneLayout.lanes(eps, blocks: blocks) + LaneLayout.lanes(wd, blocks: blocks)
                                      + Array(repeating: Lanes(repeating: 1), count: 2 * blocks))
        memberBetas = (0..<blocks * Lanes.scalarCount).map { i in i < b1.count ? (b1[i], b2[i]) : (b1.first ?? 0, b2.first ?? 0) }
        decays = wd.first.map { $0 != 0 } ?? false
        decoupled = flags.decoupled; amsgrad = flags.amsgrad; maximize = flags.maximize
        if let s1 = LaneLayout.shared(b1), let s2 = LaneLayout.shared(b2) { sharedBetas = (s1, s2) } else { sharedBetas = nil }
        moments = LaneLayout.state(3 * blocks * dimension)
    }

    mutating func beginStep() {
        stepCount += 1
        guard !correctionsSettled else { return }
        if let (b1, b2) = sharedBetas {
            let c = AdamUpdate.corrections(beta1: b1, beta2: b2, step: stepCount)
            for b in 0..<blocks {
                correction1[b] = Lanes(repeating: c.correction1)
                correction2[b] = Lanes(repeating: c.correction2)
            }
            correctionsSettled = c.settled
        } else {
            var settled = true
            for b in 0..<blocks {
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

    mutating func stepBlocks(theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>,
                             learningRates: UnsafePointer<Lanes>, running: UnsafePointer<UInt8>, blocks: Int, dimension: Int) {
        guard descent_lanes_fma_available() != 0 else {
            stepEachBlock(theta: theta, gradient: gradient, learningRates: learningRates, running: running, blocks: blocks,
                          dimension: dimension)
            return
        }
        func doubles(_ p: UnsafePointer<Lanes>) -> UnsafePointer<Double> { UnsafeRawPointer(p).assumingMemoryBound(to: Double.self) }
        var group = descent_adam_lanes(blocks: blocks, dimension: n, learning_rates: doubles(learningRates),
                                       beta1: doubles(beta1), beta2: doubles(beta2), epsilon: doubles(epsilon),
                                       weight_decay: doubles(weightDecay), correction1: doubles(correction1),
                                       correction2: doubles(correction2), decays: decays ? 1 : 0,
                                       decoupled: decoupled ? 1 : 0, amsgrad: amsgrad ? 1 : 0, maximize: maximize ? 1 : 0)
        descent_adam_lanes_step(&group, UnsafeMutableRawPointer(theta).assumingMemoryBound(to: Double.self), doubles(gradient),
                                UnsafeMutableRawPointer(moments).assumingMemoryBound(to: Double.self), running)
    }

    func deallocate() { moments.deallocate(); values.deallocate() }
}
