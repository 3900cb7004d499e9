/// SGD (`SGD`: plain, momentum, dampening, Nesterov, weight decay, maximize) in lockstep.
struct LockstepSGD: LockstepRule {
    private let n: Int
    private let momentum: [Lanes], dampening: [Lanes], weightDecay: [Lanes]
    private let decays: Bool, hasMomentum: Bool, nesterov: Bool, maximize: Bool
    private var stepCount = 0
    /// The momentum buffer per block and coordinate.
    private let buffer: UnsafeMutablePointer<Lanes>

    init(_ optimizers: [OptimizerConfiguration], blocks: Int, dimension: Int) {
        var mu: [Double] = [], tau: [Double] = [], wd: [Double] = []
        var flags = (nesterov: false, maximize: false)
        for optimizer in optimizers {
            guard case let .sgd(_, m, d, nest, w, maxi) = optimizer else {
                preconditionFailure("LockstepSGD takes SGD members only")
            }
            mu.append(m); tau.append(d); wd.append(w)
            flags = (nest, maxi)
        }
        n = dimension
        momentum = LaneLayout.lanes(mu, blocks: blocks); dampening = LaneLayout.lanes(tau, blocks: blocks)
        weightDecay = LaneLayout.lanes(wd, blocks: blocks)
        decays = wd.first.map { $0 != 0 } ?? false
        hasMomentum = mu.first.map { $0 != 0 } ?? false
        nesterov = flags.nesterov; maximize = flags.maximize
        buffer = LaneLayout.state(blocks * dimension)
    }

    mutating func beginStep() { stepCount += 1 }

    @inline(__always)
    mutating func step(block: Int, theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>, learningRate: Lanes) {
        let (mu, tau, wd) = (momentum[block], dampening[block], weightDecay[block])
        let first = stepCount == 1
        let state = buffer + block * n
        for i in 0..<n {
            SGDUpdate.apply(theta: &theta[i], gradient: gradient[i], buffer: &state[i], momentum: mu, dampening: tau,
                            weightDecay: wd, learningRate: learningRate, decays: decays, hasMomentum: hasMomentum,
                            first: first, nesterov: nesterov, maximize: maximize)
        }
    }

    func deallocate() { buffer.deallocate() }
}
