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

    /// New trials numbered from `trials.count`: trial i is proposed while trials 0 … i − c have all ended
    /// (see `StudySearch`), up to the budget. A trial whose spec fails the check ends at once as failed.
    func step(_ trials: [TrialRecord]) -> SearchStep {
        var assignments = trials.map(\.params)
        var scores: [Double?] = trials.map { $0.state == .complete ? $0.value.map(objective.score) : nil }
        var ended = trials.map { $0.state != .running }
        let grid = search.sampler == .grid ? search.space.grid(limit: StudySearch.maxTrials) ?? [] : []
        var step = SearchStep()
        var exhausted = false
        var i = trials.count
        while i < search.trials {
            let h = search.historyLength(forTrial: i)
            guard ended[..<h].allSatisfy({ $0 }) else { break }
            guard let a = search.propose(trial: i, assignments: assignments, scores: scores, grid: grid) else {
                exhausted = true
                break
            }
            if let spec = try? check(definition.spec(a)) {
                let record = ExperimentRecord(queued: RequestDecoding.newID("exp"), spec: spec, studyID: studyID)
                step.experiments.append(record)
                step.trials.append(TrialRecord(studyID: studyID, number: i, experimentIDs: [record.id], params: a, state: .running))
                ended.append(false)
            } else {
                step.trials.append(TrialRecord(studyID: studyID, number: i, experimentIDs: [], params: a, state: .failed))
                ended.append(true)
            }
            assignments.append(a)
            scores.append(nil)
            i += 1
        }
        step.finished = (exhausted || i >= search.trials) && ended.allSatisfy { $0 }
        return step
    }
}
