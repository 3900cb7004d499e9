/// One report of a run: the loss at a report point (see `PruneRule`).
public struct PruneReport: Sendable, Equatable, Codable {
    /// The step.
    public var step: Int
    /// The loss there.
    public var value: Double

    /// A report.
    public init(step: Int, value: Double) { self.step = step; self.value = value }
}

/// An ended trial as a pruner sees it: how it ended and its reports in step order.
public struct TrialReports: Sendable, Equatable {
    /// How the trial ended.
    public enum Outcome: Sendable, Equatable {
        /// Ran to its end and was scored (diverged runs too).
        case complete
        /// Stopped by its pruning rule at its last report.
        case pruned
        /// Failed or cancelled: ignored.
        case other
    }

    /// How it ended.
    public var outcome: Outcome
    /// Its reports, steps ascending.
    public var reports: [PruneReport]

    /// An ended trial.
    public init(outcome: Outcome, reports: [PruneReport]) { self.outcome = outcome; self.reports = reports }
}

/// Optuna's MedianPruner options (its defaults): prune a run whose best report so far is worse than the median
/// of the complete trials' reports at the same step.
public struct MedianPruner: Sendable, Equatable {
    /// No pruning until this many trials of the history are complete (Optuna's n_startup_trials, 5).
    public var startupTrials = 5
    /// No check before this step (n_warmup_steps, 0).
    public var warmupSteps = 0
    /// Steps between checks, counted from the warm-up (interval_steps, 1).
    public var intervalSteps = 1
    /// Fewest complete trials reporting at a step for a check there (n_min_trials, 1).
    public var minTrials = 1

    /// Optuna's defaults.
    public init() {}
}

/// Successive halving with asynchronous promotion (Li et al. 2018, "A System for Massively Parallel
/// Hyperparameter Tuning"; Optuna's SuccessiveHalvingPruner): rung k at r·η^(s+k) steps, a run promoted past a
/// rung when its report there is among the best 1/η of the reports seen there.
public struct SuccessiveHalvingPruner: Sendable, Equatable {
    /// r: steps of the first rung (nil: the report interval).
    public var minResource: Int? = nil
    /// η (Optuna's default 4).
    public var reductionFactor = 4
    /// s (0).
    public var minEarlyStoppingRate = 0

    /// Optuna's defaults, the first rung at the first report.
    public init() {}

    /// The most steps a rung may ask for (rungs past every budget are left out).
    public static let maxResource = 1 << 40

    /// The rungs' resources: r·η^(s+k), k = 0, 1, …, up to `maxResource`.
    public func resources(every: Int) -> [Int] {
        var r = minResource ?? every
        for _ in 0..<minEarlyStoppingRate {
            let (next, overflow) = r.multipliedReportingOverflow(by: reductionFactor)
            if overflow || next > Self.maxResource { return [] }
            r = next
        }
        var out: [Int] = []
        while r <= Self.maxResource {
            out.append(r)
            let (next, overflow) = r.multipliedReportingOverflow(by: reductionFactor)
            if overflow { break }
            r = next
        }
        return out
    }

    /// The reports a trial left at each rung, rung by rung: walking its reports in order, a report at a step ≥ the
    /// next rung's resource is that rung's (one rung per report, as `PruneProgress` checks them).
    public static func rungValues(_ reports: [PruneReport], resources: [Int]) -> [Double] {
        var values: [Double] = []
        for report in reports where values.count < resources.count && report.step >= resources[values.count] {
            values.append(report.value)
        }
        return values
    }
}

/// How a study prunes: the report interval and the pruner.
public struct StudyPruner: Sendable, Equatable {
    /// Which pruner.
    public enum Kind: Sendable, Equatable {
        case median(MedianPruner)
        case successiveHalving(SuccessiveHalvingPruner)
    }

    /// The pruner.
    public var kind: Kind
    /// Steps between report points of closed-form objectives (nil: a tenth of the base spec's budget).
    public var reportEvery: Int?

    /// A pruner.
    public init(_ kind: Kind, reportEvery: Int? = nil) { self.kind = kind; self.reportEvery = reportEvery }

    /// The rule of a new trial with report interval `every`, given the ended trials before it
    /// (`history`, in trial-number order: the trials its sampler sees); nil when it is not to be pruned.
    ///
    /// Median: nil while fewer than `startupTrials` trials of the history are complete; else the threshold at
    /// each step s ≥ the warm-up where at least `minTrials` complete trials reported is the median of their
    /// reports there (linear interpolation between order statistics, numpy's `percentile`).
    /// Successive halving: at rung k, with H the sorted reports the history left there (`rungValues`, any
    /// outcome) and m = |H|, a report v is promoted when at most ⌊(m + 1)/η⌋ − 1 (at least 0) of H are below it,
    /// which is Optuna's test over H ∪ {v}; so the threshold is H[max(0, ⌊(m + 1)/η⌋ − 1)], +∞ when m = 0.
    public func rule(every: Int, history: [TrialReports]) -> PruneRule? {
        switch kind {
        case .median(let p):
            let complete = history.filter { $0.outcome == .complete }
            guard complete.count >= max(1, p.startupTrials) else { return nil }
            var byStep: [Int: [Double]] = [:]
            for t in complete {
                for r in t.reports where r.step >= p.warmupSteps && !r.value.isNaN { byStep[r.step, default: []].append(r.value) }
            }
            var thresholds: [Int: Double] = [:]
            for (step, values) in byStep where values.count >= max(1, p.minTrials) {
                thresholds[step] = Self.quantile(values.sorted(), 0.5)
            }
            return PruneRule(every: every, test: .median(warmup: p.warmupSteps, interval: p.intervalSteps, thresholds: thresholds))
        case .successiveHalving(let p):
            let resources = p.resources(every: every)
            var seen = [[Double]](repeating: [], count: resources.count)
            for t in history where t.outcome != .other {
                for (k, v) in SuccessiveHalvingPruner.rungValues(t.reports, resources: resources).enumerated() { seen[k].append(v) }
            }
            let rungs = resources.indices.map { k in
                let h = seen[k].sorted()
                let index = max(0, (h.count + 1) / p.reductionFactor - 1)
                return PruneRule.Rung(resource: resources[k], threshold: h.isEmpty ? .infinity : h[index])
            }
            return PruneRule(every: every, test: .halving(rungs: rungs))
        }
    }

    /// The q-quantile of sorted, non-empty `x` by linear interpolation at position q·(n − 1).
    static func quantile(_ x: [Double], _ q: Double) -> Double {
        let h = q * Double(x.count - 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, x.count - 1)
        return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
    }
}

extension StudyPruner {
    /// Parses `{"type": "median", "report_every": 10, "startup_trials": 5, "warmup_steps": 0, "interval_steps": 1,
    /// "min_trials": 1}` or `{"type": "asha", "report_every": 10, "min_resource": 10, "reduction_factor": 4,
    /// "min_early_stopping_rate": 0}` (`successive_halving` is the same as `asha`; every key but type optional).
    public init(parsing value: SpecValue, field: String) throws(SearchError) {
        let o = value.object ?? [:]
        guard let type = value.string ?? o["type"]?.string else { throw SearchError(field, "must be a pruner name or an object with a type") }
        func integer(_ key: String, _ least: Int) throws(SearchError) -> Int? {
            guard let v = o[key] else { return nil }
            guard let n = v.integer, n >= least, n <= 1_000_000_000 else {
                throw SearchError("\(field).\(key)", "must be an integer in \(least)…1000000000")
            }
            return n
        }
        func allow(_ keys: [String]) throws(SearchError) {
            for key in o.keys.sorted() where !(["type", "report_every"] + keys).contains(key) {
                throw SearchError("\(field).\(key)", "unknown key; allowed: \((["type", "report_every"] + keys).joined(separator: ", "))")
            }
        }
        let every = try integer("report_every", 1)
        switch type {
        case "median":
            try allow(["startup_trials", "warmup_steps", "interval_steps", "min_trials"])
            var p = MedianPruner()
            if let n = try integer("startup_trials", 0) { p.startupTrials = n }
            if let n = try integer("warmup_steps", 0) { p.warmupSteps = n }
            if let n = try integer("interval_steps", 1) { p.intervalSteps = n }
            if let n = try integer("min_trials", 1) { p.minTrials = n }
            self.init(.median(p), reportEvery: every)
        case "asha", "successive_halving":
            try allow(["min_resource", "reduction_factor", "min_early_stopping_rate"])
            var p = SuccessiveHalvingPruner()
            p.minResource = try integer("min_resource", 1)
            if let n = try integer("reduction_factor", 2) { p.reductionFactor = n }
            if let n = try integer("min_early_stopping_rate", 0) { p.minEarlyStoppingRate = n }
            self.init(.successiveHalving(p), reportEvery: every)
        default:
            throw SearchError("\(field).type", "unknown pruner '\(type)'; one of median, asha, successive_halving")
        }
    }
}
