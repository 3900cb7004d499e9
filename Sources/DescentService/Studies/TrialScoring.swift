import DescentCore
import Foundation

/// Turns a trial's finished runs into its end: `complete` with the objective's value, `pruned`, or `failed`;
/// with its reports when the study prunes.
struct TrialScoring {
    let store: any Store
    let objective: StudyObjective
    /// The report interval of closed-form runs when the study prunes (nil: it does not, and no reports are read).
    var reportEvery: Int? = nil

    /// Whether scoring reads more of a run than its status and summary: the reports of a pruning study, or a metric
    /// (steps to a target, area under the loss curve) computed from the recorded rows.
    var needsRecords: Bool {
        if reportEvery != nil { return true }
        switch objective.metric {
        case .stepsToTarget: return objective.target != nil
        case .lossArea: return true
        default: return false
        }
    }

    /// The trial's end once every one of its experiments is final; nil while one still runs. `ends` holds what
    /// `Store.experimentEnds` read of them; when scoring needs no more (`needsRecords` false) nothing else is read.
    func end(of trial: TrialRecord, ends: [String: ExperimentEnd]) throws -> (state: TrialState, value: Double?, reports: [PruneReport]?)? {
        guard !needsRecords else { return try end(of: trial) }
        var runs: [ExperimentEnd] = []
        for id in trial.experimentIDs {
            guard let e = ends[id] else { return (.failed, nil, nil) }  // deleted
            guard e.status.isFinal else { return nil }
            runs.append(e)
        }
        return score(runs, reports: nil, status: \.status) { Self.figures(status: $0.status, summary: $0.summary) }
    }

    /// The trial's end read from its runs' whole records; nil while one still runs.
    func end(of trial: TrialRecord) throws -> (state: TrialState, value: Double?, reports: [PruneReport]?)? {
        var records: [ExperimentRecord] = []
        for id in trial.experimentIDs {
            guard let r = try store.experiment(id) else { return (.failed, nil, nil) }  // deleted
            guard r.status.isFinal else { return nil }
            records.append(r)
        }
        // A pruning study has one run per trial (replicates are refused with a pruner).
        let reports = try reportEvery.flatMap { every in try records.first.map { try self.reports($0, every: every) } }
        return try score(records, reports: reports, status: \.status, figures: figures)
    }

    /// The end of a trial whose runs are all final: `pruned` if one was, `failed` if one has no score (or there are
    /// none), else `complete` with the objective's mean over the runs.
    private func score<Run>(_ runs: [Run], reports: [PruneReport]?, status: (Run) -> ExperimentStatus,
                            figures: (Run) throws -> StudyObjective.RunFigures?) rethrows
        -> (state: TrialState, value: Double?, reports: [PruneReport]?) {
        if runs.contains(where: { status($0) == .pruned }) { return (.pruned, nil, reports) }
        var values: [Double] = []
        for run in runs {
            guard let f = try figures(run) else { return (.failed, nil, reports) }
            values.append(objective.value(f))
        }
        guard !values.isEmpty else { return (.failed, nil, reports) }
        return (.complete, values.reduce(0, +) / Double(values.count), reports)
    }

    /// The run's reports (see `PruneRule`): for closed forms its recorded rows at steps s > 0 with s mod `every` = 0
    /// (a study that prunes records every report point), for datasets its evaluations after step 0; without the
    /// point at the end of the budget (never checked by the run) or non-finite losses.
    func reports(_ r: ExperimentRecord, every: Int) throws -> [PruneReport] {
        guard let s = r.summary else { return [] }
        let end = s.stopReason == .budget ? s.stepsRun : Int.max
        var out: [PruneReport] = []
        func take(_ step: Int, _ loss: Double) {
            guard step > 0, step < end, loss.isFinite, out.last.map({ $0.step < step }) ?? true else { return }
            out.append(PruneReport(step: step, value: loss))
        }
        if r.spec.dataset != nil {
            for e in try store.epochRecords(r.id) { take(e.step, e.trainLoss) }
        } else {
            let t = try store.trajectory(r.id, dimension: s.finalParams.count)
            for (step, loss) in zip(t.step, t.loss) where step % max(1, every) == 0 { take(step, loss) }
        }
        return out
    }

    /// The figures of a final run; nil when it failed or was cancelled (no score).
    private func figures(_ r: ExperimentRecord) throws -> StudyObjective.RunFigures? {
        guard var f = Self.figures(status: r.status, summary: r.summary) else { return nil }
        guard r.summary != nil else { return f }
        switch objective.metric {
        case .stepsToTarget:
            if let target = objective.target { f.stepsToTarget = try store.stepsToTarget(r, target) }
        case .lossArea:
            f.lossArea = try lossArea(r)
        default: break
        }
        return f
    }

    /// The figures a run's summary gives; nil when it failed or was cancelled (no score). A diverged run without a
    /// summary scores as diverged with unknown losses.
    private static func figures(status: ExperimentStatus, summary: RunSummary?) -> StudyObjective.RunFigures? {
        guard let s = summary else { return status == .diverged ? .init(diverged: true, finalLoss: .nan, bestLoss: .nan) : nil }
        switch status {
        case .succeeded, .diverged: break
        default: return nil
        }
        return StudyObjective.RunFigures(diverged: status == .diverged, finalLoss: s.finalLoss, bestLoss: s.bestLoss,
                                         validationLoss: s.validationLoss, validationAccuracy: s.validationAccuracy)
    }

    /// The area under the run's full-loss curve: every recorded row for closed forms, the evaluations for datasets.
    private func lossArea(_ r: ExperimentRecord) throws -> Double {
        if r.spec.dataset != nil {
            let e = try store.epochRecords(r.id)
            return StudyObjective.lossArea(steps: e.map(\.step), losses: e.map(\.trainLoss))
        }
        let t = try store.trajectory(r.id, dimension: r.summary?.finalParams.count ?? 0)
        return StudyObjective.lossArea(steps: t.step, losses: t.loss)
    }
}

extension Store {
    /// The first step at which the full training-set loss was at most `target`: for dataset objectives the first
    /// evaluation (end of an epoch, or every `evaluation.every` steps) or else the final point; for closed forms,
    /// whose recorded loss is the full loss, the first recorded row. Nil when it never was.
    func stepsToTarget(_ r: ExperimentRecord, _ target: Double) throws -> Int? {
        guard r.spec.dataset != nil else {
            return try firstStep(r.id, dimension: r.summary?.finalParams.count ?? 0, lossAtMost: target)
        }
        if let e = try epochRecords(r.id).first(where: { $0.trainLoss <= target }) { return e.step }
        guard let s = r.summary, s.finalLoss <= target else { return nil }
        return s.stepsRun
    }
}
