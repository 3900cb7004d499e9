/// An update rule that advances the members of a lockstep group block by block, four members per block
/// (member 4b + k in lane k of block b; the lanes past the last member repeat member 0 and are ignored).
///
/// Hyper-parameters may differ from member to member (one value per lane); the flags that pick the rule's
/// branches (weight decay on, amsgrad, momentum, …) are the group's shape and so the same for all. The
/// arithmetic is the scalar optimizer's (`UpdateArithmetic.swift`), instantiated with `Lanes`.
protocol LockstepRule {
    /// The rule for `optimizers` (one per member, all of this rule's shape) over `blocks` blocks of `dimension`.
    init(_ optimizers: [OptimizerConfiguration], blocks: Int, dimension: Int)
    /// Advances the step count and computes the step's shared values, once per step before any block steps.
    mutating func beginStep()
    /// Updates block `block`'s `dimension` coordinates of θ in place from its gradient.
    mutating func step(block: Int, theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>, learningRate: Lanes)
    /// Updates every block whose `running[b]` is nonzero (block b's θ and gradient at `b·dimension`, its rate at
    /// `learningRates[b]`): `step(block:…)` for each, unless the rule has a kernel that steps them all at once.
    mutating func stepBlocks(theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>,
                             learningRates: UnsafePointer<Lanes>, running: UnsafePointer<UInt8>, blocks: Int, dimension: Int)
    /// Frees the state (the rule is not used afterwards).
    func deallocate()
}

extension LockstepRule {
    /// `stepBlocks` without a kernel: `step(block:…)` for each running block.
    @inline(__always)
    mutating func stepEachBlock(theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>,
                                learningRates: UnsafePointer<Lanes>, running: UnsafePointer<UInt8>, blocks: Int, dimension n: Int) {
        for b in 0..<blocks where running[b] != 0 {
            step(block: b, theta: theta + b * n, gradient: gradient + b * n, learningRate: learningRates[b])
        }
    }

    @inline(__always)
    mutating func stepBlocks(theta: UnsafeMutablePointer<Lanes>, gradient: UnsafePointer<Lanes>,
                             learningRates: UnsafePointer<Lanes>, running: UnsafePointer<UInt8>, blocks: Int, dimension: Int) {
        stepEachBlock(theta: theta, gradient: gradient, learningRates: learningRates, running: running, blocks: blocks,
                      dimension: dimension)
    }
}

/// Helpers for laying per-member values into lanes.
enum LaneLayout {
    /// `values[4b + k]` in lane k of element b, for `blocks` blocks (past the end: `values[0]`).
    static func lanes(_ values: [Double], blocks: Int) -> [Lanes] {
        (0..<blocks).map { b in
            var lanes = Lanes()
            for k in 0..<Lanes.scalarCount {
                let i = b * Lanes.scalarCount + k
                lanes[k] = i < values.count ? values[i] : values.first ?? 0
            }
            return lanes
        }
    }

    /// The one value all of `values` equal, or nil when they differ (or there are none).
    static func shared(_ values: [Double]) -> Double? {
        guard let first = values.first, values.allSatisfy({ $0.bitPattern == first.bitPattern }) else { return nil }
        return first
    }

    /// Zeroed (or `fill`) state: `count` lanes.
    static func state(_ count: Int, fill: [Lanes]? = nil, per: Int = 1) -> UnsafeMutablePointer<Lanes> {
        let state = UnsafeMutablePointer<Lanes>.allocate(capacity: max(1, count))
        if let fill {
            for i in 0..<count { state[i] = fill[i / per] }
        } else {
            state.initialize(repeating: Lanes(), count: max(1, count))
        }
        return state
    }
}
