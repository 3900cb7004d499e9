/// Adagrad (`Adagrad`: learning-rate decay, weight decay, initial accumulator, maximize) in lockstep: Σg² per block and coordinate.
struct LockstepAdagrad: LockstepRule {
    private let n: Int
    private let learningRateDecay: [Lanes], weightDecay: [Lanes], epsilon: [Lanes]
    private let decays: Bool, maximize: Bool
    private var stepCount = 0
    private let stateSum: UnsafeMutablePointer<Lanes>

    init(_ optimizers: [OptimizerConfiguration], blocks: Int, dimension: Int) {
        var eta: [Double] = [], wd: [Double] = [], initial: [Double] = [], eps: [Double] = []
        var isMaximizing = false
        for optimizer in optimizers {
            guard case let .adagrad(_, d, w, start, e, maxi) = optimizer else {
                preconditionFailure("LockstepAdagrad takes Adagrad members only")
            }
            eta.append(d); wd.append(w); initial.append(start); eps.append(e)
            isMaximizing = maxi
        }
        n = dimension
        learningRateDecay = LaneLayout.lanes(eta, blocks: blocks); weightDecay = LaneLayout.lanes(wd, blocks: blocks)
        epsilon = LaneLayout.lanes(eps, blocks: blocks)
        decays = wd.first.map { $0 != 0 } ?? false
        maximize = isMaximizing
        stateSum = LaneLayout.state(blocks * dimension, fill: LaneLayout.lanes(initial, blocks: blocks), per: dimension)
    }

    mutating func beginStep() { stepCount += 1 }

    @inline(__always)
    mutating func step(block: Int, theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>, learningRate: Lanes) {
        let rate = AdagradUpdate.decayedRate(learningRate: learningRate, step: stepCount, decay: learningRateDecay[block])
        let (wd, eps) = (weightDecay[block], epsilon[block])
        let s = stateSum + block * n
        for i in 0..<n {
            AdagradUpdate.apply(theta: &theta[i], gradient: gradient[i], stateSum: &s[i], weightDecay: wd, epsilon: eps,
                                decayedRate: rate, decays: decays, maximize: maximize)
        }
    }

    func deallocate() { stateSum.deallocate() }
}
