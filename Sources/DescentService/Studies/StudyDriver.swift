import DescentCore
import Foundation
import Logging
import Synchronization

/// Advances search studies: scores trials whose runs have finished and proposes the next ones
/// (`Store.advanceSearch`, serialized per study in the store, so any number of instances may drive the same
/// study). Woken whenever an experiment ends (on any instance: ends reach every instance's event hub) and
/// once a second while searches are active, so a missed wake-up or a dead instance only delays a study.
///
/// Work runs on one serial queue per driver; `poke` coalesces wake-ups into at most one pending pass.
///
/// Each study's leading ended trials (0 ..< k, every one ended) are kept decoded between passes: an ended trial
/// never changes (`Store.endTrial` only ends a running one), so a pass reads only the trials from k on, and a
/// pass costs the open window of trials rather than the whole study. Why: reading and decoding every trial
/// twice per pass made a 10,000-trial search quadratic. The kept trials are those another instance would read,
/// so proposals stay a function of the study alone.
final class StudyDriver: Sendable {
    private let store: any Store
    private let check: @Sendable (SpecValue) throws -> ExperimentSpec
    private let announceWork: @Sendable () -> Void
    private let isRunning: @Sendable () -> Bool
    private let logger: Logger
    private let queue = DispatchQueue(label: "descent-studies")
    private let pending = Atomic<Bool>(false)
    private let timer: Mutex<(any DispatchSourceTimer)?> = Mutex(nil)
    /// Per study, its trials 0 ..< k when all of them have ended (dropped when the search ends).
    private let ended = Mutex<[String: [TrialRecord]]>([:])

    /// A driver over `store`; `check` validates trial specs, `announceWork` wakes the workers after trials are
    /// queued, and the driver stops polling once `isRunning` turns false.
    init(store: any Store, check: @escaping @Sendable (SpecValue) throws -> ExperimentSpec, announceWork: @escaping @Sendable () -> Void,
         isRunning: @escaping @Sendable () -> Bool, logger: Logger) {
        self.store = store; self.check = check; self.announceWork = announceWork; self.isRunning = isRunning; self.logger = logger
    }

    /// Starts the once-a-second poll (idempotent).
    func start() {
        timer.withLock { t in
            guard t == nil else { return }
            let source = DispatchSource.makeTimerSource(queue: queue)
            source.schedule(deadline: .now() + 1, repeating: 1)
            source.setEventHandler { [weak self] in self?.poke() }
            source.resume()
            t = source
        }
    }

    /// Asks for a pass over the active searches soon (coalesced with any pass not yet begun).
    func poke() {
        guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in
            pending.store(false, ordering: .releasing)
            guard isRunning() else {
                timer.withLock { $0?.cancel(); $0 = nil }
                return
            }
            pass()
        }
    }

    private func pass() {
        let ids: [String]
        do { ids = try store.activeSearches() } catch {
            logger.error("could not list active searches", metadata: ["error": "\(error)"])
            return
        }
        for id in ids {
            do { _ = try advance(id) } catch {
                logger.error("could not advance study", metadata: ["study": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// Scores the study's finished trials, then proposes what the rule allows (per cell for a comparison); returns
    /// the step taken.
    @discardableResult
    func advance(_ studyID: String) throws -> SearchStep {
        guard let study = try store.study(studyID), let text = study.definition, study.searchState == .searching else {
            ended.withLock { $0[studyID] = nil }
            return SearchStep()
        }
        let definition = try JSONCoding.decode(SearchDefinition.self, text)
        let objective = try definition.parsedObjective()
        let search = try definition.parsedSearch()
        // Comparisons refuse pruners, so only a plain search reads reports.
        let scoring = TrialScoring(store: store, objective: objective,
                                   reportEvery: search.pruner == nil ? nil : definition.reportEvery(search))
        let prefix = ended.withLock { $0[studyID] } ?? []
        for trial in try store.trials(studyID, from: prefix.count) where trial.state == .running {
            if let end = try scoring.end(of: trial) {
                try store.endTrial(studyID, number: trial.number, state: end.state, value: end.value, reports: end.reports)
            }
        }
        let plan: ([TrialRecord]) -> SearchStep
        if definition.comparison != nil {
            let planner = try ComparisonPlanner(studyID: studyID, definition: definition, check: check)
            plan = { planner.step($0) }
        } else {
            let planner = SearchPlanner(studyID: studyID, definition: definition, search: search, objective: objective, check: check)
            plan = { planner.step($0) }
        }
        var known: [TrialRecord] = []
        let step = try store.advanceSearch(studyID, from: prefix.count) { rest in
            known = prefix + rest
            return plan(known)
        }
        known += step.trials
        // The kept prefix is trials 0 … k−1, all ended: a comparison numbers its cells' trials c·s + j, so numbers
        // can have gaps, and a prefix must stop at the first gap (a later trial may fill it).
        var firstOpen = 0
        while firstOpen < known.count && known[firstOpen].number == firstOpen && known[firstOpen].state != .running { firstOpen += 1 }
        ended.withLock { $0[studyID] = step.finished ? nil : Array(known[..<firstOpen]) }
        if !step.experiments.isEmpty { announceWork() }
        return step
    }
}
