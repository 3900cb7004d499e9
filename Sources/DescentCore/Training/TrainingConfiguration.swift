/// Everything the training loop needs besides the objective and the optimizer.
public struct TrainingConfiguration: Sendable, Equatable {
    /// Initial parameters θ₀.
    public var start: [Double]
    /// Step budget.
    public var steps: Int
    /// Base learning rate γ₀.
    public var learningRate: Double
    /// Schedule scaling γ₀.
    public var schedule: LearningRateSchedule
    /// Mini-batch size, nil for full batch.
    public var batchSize: Int?
    /// Drop the last partial batch of each epoch.
    public var dropLast: Bool
    /// Seed of the batch shuffles.
    public var seed: UInt64
    /// Stop when the batch gradient norm is ≤ this (0 = never, so a run at a critical point uses its budget).
    public var gradNormTolerance: Double
    /// Stop when the loss is ≤ this: with data, the full training-set loss at an evaluation (see
    /// `evaluateEvery`); without, the loss at a step.
    public var lossTarget: Double?
    /// Diverged when |loss| > factor × |initial loss| (skipped when the initial loss is 0).
    public var divergenceFactor: Double
    /// Record every k-th step (k ≥ 1).
    public var recordEvery: Int
    /// Record the parameters with each row.
    public var recordParams: Bool
    /// With data: steps between evaluations of the full training-set loss (inference mode), which give the
    /// summary's best loss and step and the loss-target stop; nil = at the end of every epoch.
    public var evaluateEvery: Int?
    /// Steps between sharpness records (λmax of the full training loss and the gradient's alignment with its
    /// eigenvector, `SharpnessRecord`); nil = none. They read θ only, so the run is the same without them.
    public var sharpnessEvery: Int?
    /// Record each hidden layer's pre-activation statistics at every evaluation (`LayerStatsRecord`, MLP only).
    /// They read θ and the running statistics only, so the run is the same without them.
    public var layerStats: Bool
    /// The run's pruning rule, given by its study (nil: never pruned); see `PruneRule` for the report points.
    public var prune: PruneRule? = nil
    /// Changes to the batch gradient before each update, in order (the gradient transforms of the spec).
    public var transforms: [GradientTransform] = []
    /// A running average of the parameters after each update, reported in the summary; nil = none.
    public var averaging: ParameterAveraging? = nil
    /// Mini-batches per update k (the spec's `accumulate`; 1 = none): each update's gradient and loss are
    /// Σⱼ gⱼ/k and Σⱼ Lⱼ/k over the next k batches of the batch stream, which runs on across epoch ends.
    public var accumulation = 1
    /// Record the optimizer's internals with each row (`OptimizerInternals`: state vectors, averaged point, update
    /// size). They read the state only, so the run is the same without them; such runs take the general loop.
    public var recordInternals = false
    /// torch's parameter groups, resolved: every coordinate in exactly one group, each with its rule's options and
    /// initial rate (the schedule scales each group's own); empty = one group of everything with the optimizer's.
    public var parameterGroups: [ParameterGroup] = []
    /// Whether the run's result holds the whole trajectory (default true). When false the rows go only to the
    /// progress receiver, recorded into a window of one report's rows that is reused after every report, and
    /// `RunResult.trajectory` is empty: a run then touches memory in proportion to its report interval, not its
    /// length (the service stores the reported chunks and never reads the result's trajectory).
    public var keepsTrajectory = true

    /// Creates a configuration; defaults: full batch, seed 0, tolerance 0, no target, factor 1e6, record all,
    /// evaluate at every epoch's end, no sharpness records.
    public init(start: [Double], steps: Int, learningRate: Double, schedule: LearningRateSchedule = .constant,
                batchSize: Int? = nil, dropLast: Bool = false, seed: UInt64 = 0, gradNormTolerance: Double = 0,
                lossTarget: Double? = nil, divergenceFactor: Double = 1e6, recordEvery: Int = 1,
                recordParams: Bool = true, evaluateEvery: Int? = nil, sharpnessEvery: Int? = nil,
                layerStats: Bool = false) {
        self.start = start; self.steps = steps; self.learningRate = learningRate; self.schedule = schedule
        self.batchSize = batchSize; self.dropLast = dropLast; self.seed = seed
        self.gradNormTolerance = gradNormTolerance; self.lossTarget = lossTarget
        self.divergenceFactor = divergenceFactor; self.recordEvery = recordEvery; self.recordParams = recordParams
        self.evaluateEvery = evaluateEvery; self.sharpnessEvery = sharpnessEvery; self.layerStats = layerStats
    }

    /// Whether the run needs the general loop: gradient transforms and averages are not part of the closed-form
    /// fast path or of lockstep runs, which therefore refuse such runs rather than differ from them.
    /// A schedule that observes the loss (ReduceLROnPlateau) or cycles the momentum (`MomentumCycled`) needs it too,
    /// and so do parameter groups and recording the internals (only the general loop keeps the copies they need,
    /// so the other paths carry no per-step branch for them).
    var needsGeneralLoop: Bool {
        !transforms.isEmpty || averaging != nil || accumulation > 1 || schedule.isStateful || schedule.momentumCycle != nil
            || recordInternals || !parameterGroups.isEmpty
    }

    /// Rows the trajectory will hold at most: the recorded steps plus the final point.
    public var maximumRows: Int { (steps + recordEvery - 1) / max(1, recordEvery) + 1 }

    /// Rows the run's columns must hold with progress reports every `reportEvery` steps: `maximumRows` when the
    /// trajectory is kept, else the rows of one report interval plus the row kept from the previous one and the
    /// final point (`TrajectoryColumns.rewind`).
    func columnRows(reportEvery: Int) -> Int {
        guard !keepsTrajectory else { return maximumRows }
        let every = max(1, recordEvery)
        return min(maximumRows, (max(1, reportEvery) + every - 1) / every + 2)
    }
}
