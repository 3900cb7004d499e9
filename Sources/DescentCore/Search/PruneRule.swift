/// A run's pruning rule: fixed when its trial is proposed (`StudyPruner.rule`), checked by the training loop at
/// each report point; a run whose report fails the test stops there with `StopReason.pruned`.
///
/// **Report points.** Closed-form objectives report the loss at the steps s with 0 < s < budget and
/// s mod `every` = 0 (the loss computed at step s, before its update — the trajectory's row at s). Dataset
/// objectives report the full training-set loss of each evaluation inside the budget (`evaluation.every`, or
/// each epoch's end; not the one at step 0 and not the one after the last step). Lower is better.
///
/// **Tests** (Optuna's pruners, with thresholds taken from earlier trials instead of read at run time):
/// - `median`: at report step s ≥ `warmup` that is the run's first report at or after the pruning step
///   ⌊(s − warmup)/interval⌋·interval + warmup, prune when the lowest report so far is above `thresholds[s]`;
///   no threshold at s: no check.
/// - `halving`: rung k has resource `rungs[k].resource` steps; at the first report at a step ≥ that resource,
///   prune when the report is above the rung's threshold (+∞ always promotes). One rung per report: a run whose
///   reports are sparser than the rungs takes the rungs it passed at its next reports, one each (Optuna checks
///   them all at once; one per report lets an ended trial's rung values be read back from its reports alone).
public struct PruneRule: Sendable, Equatable, Codable {
    /// One rung of successive halving.
    public struct Rung: Sendable, Equatable, Codable {
        /// Steps a run must reach for this rung.
        public var resource: Int
        /// Highest report promoted past the rung (+∞: every one).
        public var threshold: Double

        /// A rung.
        public init(resource: Int, threshold: Double) { self.resource = resource; self.threshold = threshold }
    }

    /// The comparison at report points.
    public enum Test: Sendable, Equatable, Codable {
        /// Optuna's MedianPruner: the best report so far against a per-step threshold.
        case median(warmup: Int, interval: Int, thresholds: [Int: Double])
        /// Successive halving (ASHA's rule): the report at each rung against the rung's threshold.
        case halving(rungs: [Rung])
    }

    /// Steps between report points of closed-form objectives (≥ 1).
    public var every: Int
    /// The comparison.
    public var test: Test

    /// A rule.
    public init(every: Int, test: Test) { self.every = max(1, every); self.test = test }

    /// Whether step `t` of a closed-form run within `budget` is a report point.
    @inline(__always)
    public func reports(atStep t: Int) -> Bool { t > 0 && t % every == 0 }
}

/// A run's progress through its rule: fed each report in step order, says when to prune.
public struct PruneProgress: Sendable {
    private var best = Double.infinity
    private var previous = -1
    private var rung = 0

    /// A run before its first report.
    public init() {}

    /// Takes the report `value` at step `step` (finite: the loops stop a run with a non-finite loss as diverged
    /// first); returns whether the run is pruned there.
    public mutating func report(step: Int, value: Double, rule: PruneRule) -> Bool {
        defer { previous = step }
        if value < best { best = value }
        switch rule.test {
        case let .median(warmup, interval, thresholds):
            guard step >= warmup else { return false }
            let pruningStep = (step - warmup) / max(1, interval) * max(1, interval) + warmup
            guard previous < pruningStep, let threshold = thresholds[step] else { return false }
            return best > threshold
        case let .halving(rungs):
            guard rung < rungs.count && step >= rungs[rung].resource else { return false }
            if value > rungs[rung].threshold { return true }
            rung += 1
            return false
        }
    }
}
