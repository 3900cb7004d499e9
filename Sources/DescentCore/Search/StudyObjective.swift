/// What a study optimizes: one figure of each finished trial, to be minimized or maximized.
public struct StudyObjective: Sendable, Equatable {
    /// The figure of a run.
    public enum Metric: String, Sendable, CaseIterable {
        /// The summary's final loss (full training-set loss at the end).
        case finalLoss = "final_loss"
        /// The summary's best loss.
        case bestLoss = "best_loss"
        /// The validation loss at the end (needs a validation set).
        case validationLoss = "validation_loss"
        /// The validation accuracy at the end (classifiers with a validation set; maximize it).
        case validationAccuracy = "validation_accuracy"
        /// The first step whose full loss is at most `target`; never reached: +∞.
        case stepsToTarget = "steps_to_target"
        /// The area under the loss curve: trapezoids over the recorded (step, loss) points, from step 0 to
        /// the last one (for dataset objectives the full-loss evaluations), so faster and lower both count.
        case lossArea = "loss_area"
    }

    /// Whether smaller or larger is better.
    public enum Direction: String, Sendable {
        case minimize, maximize
    }

    /// The figure.
    public var metric: Metric
    /// Its direction (default: minimize, except validation accuracy).
    public var direction: Direction
    /// The loss target of `steps_to_target`.
    public var target: Double?

    /// An objective; `direction` defaults to the metric's natural one.
    public init(metric: Metric = .finalLoss, direction: Direction? = nil, target: Double? = nil) {
        self.metric = metric
        self.direction = direction ?? (metric == .validationAccuracy ? .maximize : .minimize)
        self.target = target
    }

    /// The figures of one finished run the objective may read.
    public struct RunFigures: Sendable, Equatable {
        /// Whether the run diverged (or failed): it then scores worst, whatever the metric.
        public var diverged: Bool
        public var finalLoss: Double
        public var bestLoss: Double
        public var validationLoss: Double?
        public var validationAccuracy: Double?
        /// First step at which the full loss was at most the target (nil: never, or no target).
        public var stepsToTarget: Int?
        /// Trapezoidal area under the loss curve (nil when not computed).
        public var lossArea: Double?

        /// Figures of one run.
        public init(diverged: Bool, finalLoss: Double, bestLoss: Double, validationLoss: Double? = nil,
                    validationAccuracy: Double? = nil, stepsToTarget: Int? = nil, lossArea: Double? = nil) {
            self.diverged = diverged; self.finalLoss = finalLoss; self.bestLoss = bestLoss
            self.validationLoss = validationLoss; self.validationAccuracy = validationAccuracy
            self.stepsToTarget = stepsToTarget; self.lossArea = lossArea
        }
    }

    /// The objective's value for a run: the figure, or the worst value (+∞ minimizing, −∞ maximizing) when
    /// the run diverged, the figure is missing or not finite, or the target was never reached. Never NaN.
    public func value(_ f: RunFigures) -> Double {
        let worst = direction == .minimize ? Double.infinity : -.infinity
        if f.diverged { return worst }
        let v: Double?
        switch metric {
        case .finalLoss: v = f.finalLoss
        case .bestLoss: v = f.bestLoss
        case .validationLoss: v = f.validationLoss
        case .validationAccuracy: v = f.validationAccuracy
        case .stepsToTarget: v = f.stepsToTarget.map(Double.init)
        case .lossArea: v = f.lossArea
        }
        guard let v, v.isFinite else { return worst }
        return v
    }

    /// `value` turned into a loss to minimize (negated when maximizing), as the samplers and pruners see it.
    public func score(_ value: Double) -> Double { direction == .minimize ? value : -value }

    /// Whether `a` is better than `b`.
    public func isBetter(_ a: Double, than b: Double) -> Bool { score(a) < score(b) }

    /// The trapezoidal area under the points (steps ascending): Σ (sᵢ₊₁ − sᵢ)(Lᵢ + Lᵢ₊₁)/2.
    public static func lossArea(steps: [Int], losses: [Double]) -> Double {
        var area = 0.0
        for i in 1..<max(1, min(steps.count, losses.count)) {
            area += Double(steps[i] - steps[i - 1]) * (losses[i] + losses[i - 1]) / 2
        }
        return area
    }
}

extension StudyObjective {
    /// Parses `{"metric": "final_loss", "direction": "minimize", "target": 1e-6}` (every key optional;
    /// `target` required by `steps_to_target`, which may fall back on the study's `loss_target`).
    public init(parsing value: SpecValue?, lossTarget: Double?, field: String) throws(SearchError) {
        guard let value, value != .null else {
            self.init(target: lossTarget)
            return
        }
        guard let o = value.object else { throw SearchError(field, "must be an object with metric, direction, target") }
        for key in o.keys.sorted() where !["metric", "direction", "target"].contains(key) {
            throw SearchError("\(field).\(key)", "unknown key; allowed: metric, direction, target")
        }
        let metric = try o["metric"].map { v throws(SearchError) in
            guard let m = v.string.flatMap(Metric.init(rawValue:)) else {
                throw SearchError("\(field).metric", "one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return m
        } ?? .finalLoss
        let direction = try o["direction"].map { v throws(SearchError) in
            guard let d = v.string.flatMap(Direction.init(rawValue:)) else { throw SearchError("\(field).direction", "minimize or maximize") }
            return d
        }
        var target = lossTarget
        if let t = o["target"] {
            guard let x = t.number, x.isFinite else { throw SearchError("\(field).target", "must be a finite number") }
            target = x
        }
        if metric == .stepsToTarget && target == nil { throw SearchError("\(field).target", "is required by steps_to_target") }
        self.init(metric: metric, direction: direction, target: target)
    }
}
