/// RMSprop (`RMSprop`: weight decay, centered, momentum, maximize) in lockstep: v, g^ave and b per block and coordinate.
struct LockstepRMSprop: LockstepRule {
    private let n: Int
    private let alpha: [Lanes], epsilon: [Lanes], weightDecay: [Lanes], momentum: [Lanes]
    private let decays: Bool, centered: Bool, hasMomentum: Bool, maximize: Bool
    /// v, g^ave, b side by side per block and coordinate.
    private let state: UnsafeMutablePointer<Lanes>

    init(_ optimizers: [OptimizerConfiguration], blocks: Int, dimension: Int) {
        var a: [Double] = [], eps: [Double] = [], wd: [Double] = [], mu: [Double] = []
        var flags = (centered: false, maximize: false)
        for optimizer in optimizers {
            guard case let .rmsprop(_, al, e, w, m, c, maxi) = optimizer else {
                preconditionFailure("LockstepRMSprop takes RMSprop members only")
            }
            a.append(al); eps.append(e); wd.append(w); mu.append(m)
            flags = (c, maxi)
        }
        n = dimension
        alpha = LaneLayout.lanes(a, blocks: blocks); epsilon = LaneLayout.lanes(eps, blocks: blocks)
        weightDecay = LaneLayout.lanes(wd, blocks: blocks); momentum = LaneLayout.lanes(mu, blocks: blocks)
        decays = wd.first.map { $0 != 0 } ?? false
        hasMomentum = mu.first.map { $0 > 0 } ?? false
        centered = flags.centered; maximize = flags.maximize
        state = LaneLayout.state(3 * blocks * dimension)
    }

    mutating func beginStep() {}

    @inline(__always)
    mutating func step(block: Int, theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>, learningRate: Lanes) {
        let (al, eps, wd, mu) = (alpha[block], epsilon[block], weightDecay[block], momentum[block])
        let s = state + 3 * block * n
        for i in 0..<n {
            RMSpropUpdate.apply(theta: &theta[i], gradient: gradient[i], squareAverage: &s[3 * i], gradientAverage: &s[3 * i + 1],
                                buffer: &s[3 * i + 2], alpha: al, epsilon: eps, weightDecay: wd, momentum: mu,
                                learningRate: learningRate, decays: decays, centered: centered, hasMomentum: hasMomentum,
                                maximize: maximize)
        }
    }

    func deallocate() { state.deallocate() }
}
