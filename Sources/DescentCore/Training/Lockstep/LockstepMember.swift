/// One experiment of a lockstep group, with its own cancellation flag and progress receiver.
public struct LockstepMember {
    /// The loss (the same objective for the whole group).
    public var objective: any Objective
    /// This member's optimizer (same rule and flags as the group; its own hyper-parameters).
    public var optimizer: OptimizerConfiguration
    /// θ₀, learning rate, schedule and stops of this member (same budget and recording as the group).
    public var configuration: TrainingConfiguration
    /// Cancels this member only.
    public var control: RunControl
    /// Receives this member's rows since its previous report, every `progressEvery` steps and at its end.
    public var onProgress: ((TrajectoryChunk) -> Void)?
    /// Called with this member's summary as soon as it stops (before the rest of the group ends).
    public var onFinish: ((RunSummary) -> Void)?

    /// A member; the receivers default to none.
    public init(objective: any Objective, optimizer: OptimizerConfiguration, configuration: TrainingConfiguration,
                control: RunControl = RunControl(), onProgress: ((TrajectoryChunk) -> Void)? = nil,
                onFinish: ((RunSummary) -> Void)? = nil) {
        self.objective = objective; self.optimizer = optimizer; self.configuration = configuration
        self.control = control; self.onProgress = onProgress; self.onFinish = onFinish
    }

    /// The member's lockstep shape, nil when it cannot run in lockstep.
    public var shape: LockstepShape? { LockstepShape(objective: objective, optimizer: optimizer, configuration: configuration) }
}

extension TrajectoryColumns {
    /// Writes one row whose θ is lane `lane` of `dimension` lanes values at `theta` (a lockstep block).
    @inline(__always)
    func write(row: Int, step t: Int, lr rate: Double, loss value: Double, gradNorm norm: Double,
               lane: Int, of theta: UnsafePointer<Lanes>, dimension n: Int, recordParams: Bool) {
        step[row] = t; epoch[row] = 0; lr[row] = rate; loss[row] = value; gradNorm[row] = norm
        if recordParams {
            let out = params + row * n
            for i in 0..<n { out[i] = theta[i][lane] }
        }
    }

    /// Allocates the columns of `count` runs (as `fill`, kept or windowed), lets `body` fill them all and return their row
    /// counts, and returns the trajectories in order.
    static func fill(count: Int, rows: Int, dimension: Int, withParams: Bool, keep: Bool = true,
                     _ body: ([TrajectoryColumns]) -> [Int]) -> [Trajectory] {
        var filled: [Int] = []
        var trajectories: [Trajectory] = []
        // Each run's arrays are made by `fill`, whose body nests the next run's; the innermost runs `body`.
        func nest(_ columns: [TrajectoryColumns]) {
            if columns.count == count {
                filled = body(columns)
                return
            }
            let k = columns.count
            trajectories.append(fill(rows: rows, dimension: dimension, withParams: withParams, keep: keep) { c in
                nest(columns + [c])
                return filled[k]
            })
        }
        nest([])
        return trajectories.reversed()  // the innermost (last) run finished first
    }
}
