import DescentCore
import Foundation

/// Decides one step of a search from its trials: which new trials to propose (with their queued experiments)
/// and whether the search is over. Pure apart from the spec check and the new ids; the store runs it under
/// the study's lock (`Store.advanceSearch`).
struct SearchPlanner {
    /// The study.
    let studyID: String
    /// Its definition.
    let definition: SearchDefinition
    /// Its parsed search and objective.
    let search: StudySearch
    let objective: StudyObjective
    /// Checks a trial's spec (the API's spec check and limits).
    let check: (SpecValue) throws -> ExperimentSpec

    /// New trials numbered from `trials.count`, each with one queued experiment per replicate: trial i is proposed while trials 0 … i − c have all ended
    /// (see `StudySearch`), up to the budget. A search whose proposals read nothing of earlier trials (not TPE, no
    /// pruner: trial i's values are a function of the seed and i alone) proposes instead whenever fewer than c trials
    /// run: the same trials in the same order, without waiting for the oldest running one. A trial whose spec fails the check ends at once as failed. When the
    /// search prunes, each new experiment carries the rule the pruner derives from the same trials 0 … i − c. With
    /// `confirm`, once every tuning trial has ended, one more trial runs the best of them again (`confirmationTrial`);
    /// the search is finished when that trial has ended.
    func step(_ trials: [TrialRecord]) -> SearchStep {
        // The sampler's history (values, scores) only for TPE, the pruner's (reports) only with a pruner: each is
        // O(trials) to build on every step, and a long random search would build them for nothing.
        let readsHistory: Bool
        if case .tpe = search.sampler { readsHistory = true } else { readsHistory = false }
        let prunes = search.pruner != nil
        var assignments = readsHistory ? trials.map(\.params) : []
        var scores: [Double?] = !readsHistory ? [] : trials.map { t in
            switch t.state {
            case .complete: t.value.map(objective.score)
            case .pruned: t.reports?.last?.value
            case .running, .failed: nil
            }
        }
        var prunedAt: [Int?] = readsHistory ? trials.map { $0.state == .pruned ? $0.reports?.last?.step : nil } : []
        var history: [TrialReports] = !prunes ? [] : trials.map { t in
            TrialReports(outcome: t.state == .complete ? .complete : t.state == .pruned ? .pruned : .other, reports: t.reports ?? [])
        }
        let every = definition.reportEvery(search)
        // By index: a closure over the elements copied each trial (its arrays and strings retained), per pass.
        var ended: [Bool] = []
        ended.reserveCapacity(max(trials.count, search.trials) + 1)
        for i in trials.indices { ended.append(trials[i].state != .running) }
        // Trials 0 ..< firstOpen have all ended: trial i may be proposed when its history length is at most this.
        var firstOpen = ended.firstIndex(of: false) ?? ended.count
        // Why the prefix rule only where the history is read: it is what makes TPE's and the pruner's inputs a function
        // of the study, and elsewhere it would only hold new trials back behind a slow one (a long random search).
        let independent = !readsHistory && !prunes
        var running = ended.count { !$0 }
        let grid = search.sampler == .grid ? search.space.grid(limit: StudySearch.maxTrials) ?? [] : []
        var step = SearchStep()
        var exhausted = false
        var i = trials.count
        while i < search.trials {
            let h = search.historyLength(forTrial: i)
            guard independent ? running < search.maxConcurrent : h <= firstOpen else { break }
            // The other samplers ignore the history (`StudySearch.propose` asks it only of TPE), so none is passed.
            let proposal = readsHistory ? search.propose(trial: i, assignments: assignments, scores: scores, prunedAt: prunedAt, grid: grid)
                : search.sampler.propose(search.space, trial: i, seed: search.seed, history: [], grid: grid)
            guard let a = proposal else {
                exhausted = true
                break
            }
            let value = definition.spec(a)
            if let specs = try? (0..<definition.replicateCount).map({ try check(Replicates.spec(value, replicate: $0)) }) {
                let rule = search.pruner?.rule(every: every, history: Array(history[..<h]))
                let records = specs.map { spec in
                    var r = ExperimentRecord(queued: RequestDecoding.newID("exp"), spec: spec, studyID: studyID)
                    r.pruneRule = rule
                    return r
                }
                step.experiments += records
                step.trials.append(TrialRecord(studyID: studyID, number: i, experimentIDs: records.map(\.id), params: a, state: .running))
                ended.append(false)
                running += 1
            } else {
                step.trials.append(TrialRecord(studyID: studyID, number: i, experimentIDs: [], params: a, state: .failed))
                ended.append(true)
            }
            if readsHistory {
                assignments.append(a)
                scores.append(nil)
                prunedAt.append(nil)
            }
            if prunes { history.append(TrialReports(outcome: .other, reports: [])) }
            while firstOpen < ended.count && ended[firstOpen] { firstOpen += 1 }
            i += 1
        }
        // The tuning trials are 0 ..< search.trials (the grid sampler's budget is at most its grid's size, so it is
        // never exhausted earlier); a confirmation trial is numbered search.trials.
        let tuned = (exhausted || i >= search.trials) && ended.prefix(search.trials).allSatisfy { $0 }
        guard let runs = definition.confirm, tuned else {
            step.finished = tuned
            return step
        }
        if let confirmation = trials.first(where: { $0.number == search.trials }) {
            step.finished = confirmation.state != .running
        } else {
            let tuning = Array(trials.prefix(search.trials))
            step.trials.append(confirmationTrial(number: search.trials, tuning: tuning, runs: runs, into: &step))
            step.finished = step.trials.last?.state == .failed
        }
        return step
    }

    /// The trial that runs the best tuning trial's values `runs` times, on the seeds of replicates R … R + runs − 1
    /// (R = the tuning trials' replicates), so none repeats a tuning run. The best is the complete trial with the
    /// best finite value, the lowest number among equals; without one (or when its spec fails the check) the
    /// trial ends at once as failed.
    private func confirmationTrial(number: Int, tuning: [TrialRecord], runs: Int, into step: inout SearchStep) -> TrialRecord {
        guard let best = TrialRecord.best(of: tuning, objective) else { return TrialRecord(studyID: studyID, number: number, experimentIDs: [], params: [:], state: .failed) }
        let value = definition.spec(best.params)
        let first = definition.replicateCount
        guard let specs = try? (first..<(first + runs)).map({ try check(Replicates.spec(value, replicate: $0)) }) else {
            return TrialRecord(studyID: studyID, number: number, experimentIDs: [], params: best.params, state: .failed)
        }
        let records = specs.map { ExperimentRecord(queued: RequestDecoding.newID("exp"), spec: $0, studyID: studyID) }
        step.experiments += records
        return TrialRecord(studyID: studyID, number: number, experimentIDs: records.map(\.id), params: best.params, state: .running)
    }
}
