import DescentCore
import Foundation

/// Turns a trial's finished runs into its end: `complete` with the objective's value, or `failed`.
struct TrialScoring {
    let store: any Store
    let objective: StudyObjective

    /// The trial's end once every one of its experiments is final; nil while one still runs.
    func end(of trial: TrialRecord) throws -> (state: TrialState, value: Double?)? {
        var values: [Double] = []
        for id in trial.experimentIDs {
            guard let r = try store.experiment(id) else { return (.failed, nil) }  // deleted
            guard r.status.isFinal else { return nil }
            guard let figures = try figures(r) else { return (.failed, nil) }
            values.append(objective.value(figures))
        }
        guard !values.isEmpty else { return (.failed, nil) }
        return (.complete, values.reduce(0, +) / Double(values.count))
    }

    /// The figures of a final run; nil when it failed or was cancelled (no score).
    private func figures(_ r: ExperimentRecord) throws -> StudyObjective.RunFigures? {
        guard let s = r.summary else { return r.status == .diverged ? .init(diverged: true, finalLoss: .nan, bestLoss: .nan) : nil }
        switch r.status {
        case .succeeded, .diverged: break
        default: return nil
        }
        var f = StudyObjective.RunFigures(diverged: r.status == .diverged, finalLoss: s.finalLoss, bestLoss: s.bestLoss,
                                          validationLoss: s.validationLoss, validationAccuracy: s.validationAccuracy)
        switch objective.metric {
        case .stepsToTarget:
            if let target = objective.target { f.stepsToTarget = try store.stepsToTarget(r, target) }
        case .lossArea:
            f.lossArea = try lossArea(r)
        default: break
        }
        return f
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
