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
/// The driver holds each active search between passes (`HeldSearch`): its decoded definition and every trial it
/// has seen, with the state it last saw. A pass asks the store for the statuses of the running trials'
/// experiments in one query (only of those whose end this instance has heard of since the last pass, and of all of
/// them once a second: reading every running trial's statuses at every wake-up read each of a long search's runs
/// dozens of times), scores the trials whose runs have all ended (reading only those runs), and records
/// those ends, reads what it does not hold and proposes, all in one transaction (`advanceSearch(_:ending:from:
/// holding:_:)`): the store returns only the trials whose stored state differs from the held one or that it lacks
/// (those another instance proposed or ended), so a pass costs the trials that changed, not the study's size. Why:
/// reading and JSON-decoding every open trial twice per pass, each running trial's experiments one query at a
/// time, and a write transaction per ended trial made the driver, not the runs, the limit of a 10,000-trial
/// search (BENCHMARKS.md). What is held is what a full read would give: an ended trial never changes, a trial
/// another instance ended is read back, and one this driver ended got the value every instance computes (the
/// store keeps the first end), so proposals stay a function of the study alone.
final class StudyDriver: Sendable {
    private let store: any Store
    private let check: @Sendable (SpecValue) throws -> ExperimentSpec
    private let announceWork: @Sendable () -> Void
    private let handoff: StudyHandoff?
    private let isRunning: @Sendable () -> Bool
    private let logger: Logger
    private let queue = DispatchQueue(label: "descent-studies")
    private let pending = Atomic<Bool>(false)
    private let timer: Mutex<(any DispatchSourceTimer)?> = Mutex(nil)
    /// The active searches, by study id (dropped when the search ends).
    private let held = Mutex<[String: HeldSearch]>([:])
    /// Experiments whose end this instance has heard of (`ended(_:)`) since a pass last took them: a pass reads the
    /// statuses of the running trials' experiments among these only, and of all of them once a second (`fullEvery`).
    private let heard = Mutex<Set<String>>([])
    /// The stored ends (status, summary) of runs this instance's workers ended since a pass last took them: a pass
    /// scores those runs' trials without reading them (`stored(_:_:)`).
    private let known = Mutex<[String: ExperimentEnd]>([:])
    /// When a pass last read the statuses of every running trial's experiments.
    private let lastFullRead = Mutex<ContinuousClock.Instant?>(nil)
    /// How often a pass reads every running trial's statuses whatever it has heard: ends missed or not announced here
    /// (an instance whose notifications were lost) are found within this time.
    private let fullEvery = Duration.seconds(1)

    /// A driver over `store`; `check` validates trial specs, `announceWork` wakes the workers after trials are
    /// queued, `handoff` (if any) takes new trials' runs claimed for this instance's workers, and the driver stops
    /// polling once `isRunning` turns false.
    init(store: any Store, check: @escaping @Sendable (SpecValue) throws -> ExperimentSpec, announceWork: @escaping @Sendable () -> Void,
         handoff: StudyHandoff? = nil, isRunning: @escaping @Sendable () -> Bool, logger: Logger) {
        self.store = store; self.check = check; self.announceWork = announceWork; self.handoff = handoff; self.isRunning = isRunning
        self.logger = logger
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

    /// Stops the poll and waits for a pass under way; later pokes find the runner stopped and do nothing. Why: a pass
    /// that began before the host stopped read the store after the host had closed it (a crash inside SQLite).
    func stop() {
        timer.withLock { $0?.cancel(); $0 = nil }
        queue.sync {}
    }

    /// Notes the status and summary run `id` was stored with (by this instance's writer, before its end is announced).
    func stored(_ id: String, _ end: ExperimentEnd) {
        // As the store gives them back: a NaN is stored as JSON's "NaN" and read as the canonical NaN.
        var end = end
        if var s = end.summary {
            func canonical(_ x: Double) -> Double { x.isNaN ? .nan : x }
            s.finalLoss = canonical(s.finalLoss)
            s.bestLoss = canonical(s.bestLoss)
            s.validationLoss = s.validationLoss.map(canonical)
            s.validationAccuracy = s.validationAccuracy.map(canonical)
            end.summary = s
        }
        known.withLock { $0[id] = end }
    }

    /// Notes that experiment `id` ended (on any instance) and asks for a pass.
    func ended(_ id: String) {
        heard.withLock { _ = $0.insert(id) }
        poke()
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
        // A search another instance finished (or that was deleted) is no longer listed: drop what is held for it.
        let active = Set(ids)
        held.withLock { searches in searches = searches.filter { active.contains($0.key) } }
        // Taken before the statuses are read, so an end heard during this pass is read by the next one.
        let ended = heard.withLock { set in
            defer { set = [] }
            return set
        }
        // After the heard ends: a run's stored end is noted before its end is announced, so each heard end's stored
        // one, if this instance wrote it, is here too.
        let stored = known.withLock { ends in
            defer { ends = [:] }
            return ends
        }
        let now = ContinuousClock.now
        let full = lastFullRead.withLock { last in
            guard last.map({ now - $0 >= fullEvery }) ?? true else { return false }
            last = now
            return true
        }
        for id in ids {
            do { _ = try advance(id, ended: full ? nil : ended, stored: stored) } catch {
                logger.error("could not advance study", metadata: ["study": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// Scores the study's finished trials, then proposes what the rule allows (per cell for a comparison); returns
    /// the step taken. With `ended`, only the running trials with an experiment among these are looked at (the
    /// statuses of the others are not read); without, every running trial is.
    @discardableResult
    func advance(_ studyID: String, ended: Set<String>? = nil, stored: [String: ExperimentEnd] = [:]) throws -> SearchStep {
        guard let study = try store.study(studyID), let text = study.definition, study.searchState == .searching else {
            held.withLock { $0[studyID] = nil }
            return SearchStep()
        }
        // Taken out while the pass works on it, so its trials are not shared and are changed in place (a copy of a
        // 10,000-trial array per pass was a tenth of a long search's time). Another call may advance the same study
        // meanwhile (a new study's first step runs on the request's thread): it then reads the trials afresh, and the
        // store returns whatever either copy lacks.
        let taken = held.withLock { $0.removeValue(forKey: studyID) }
        var search = try taken ?? HeldSearch(definition: text, trials: try store.trials(studyID))
        // A search read afresh may have trials whose runs ended before this driver held it: all are looked at.
        let ends = try scoreEndedTrials(&search, among: taken == nil ? nil : ended, stored: stored)
        let first = search.endedPrefix
        let holding = Dictionary(uniqueKeysWithValues: search.trials[first...].map { ($0.number, $0.state) })
        let plan = try planner(studyID, search)
        // Planned from what is held before the store's transaction, so the proposals' spec checks do not hold the
        // store's write lock (the workers ending runs wait on it): the step is a function of the trials alone, and
        // when the store reports none changed (the usual case on one instance) the transaction only writes it.
        let planned = plan(search.trials)
        var changed: [TrialRecord] = []
        let claim = handoff.flatMap { h in
            let room = h.room()
            return room > 0 ? StepClaim(owner: h.owner, leaseSeconds: h.leaseSeconds, limit: room) : nil
        }
        let step = try store.advanceSearch(studyID, ending: ends, from: first, holding: holding, planned: planned, claiming: claim) { stored in
            changed = stored
            return plan(HeldSearch.merging(search.trials, stored))
        }
        HeldSearch.merge(changed, into: &search.trials)
        HeldSearch.merge(step.trials, into: &search.trials)
        held.withLock { $0[studyID] = step.finished ? nil : search }
        let claimed = step.experiments.filter { $0.status == .running }
        if !claimed.isEmpty { handoff?.take(claimed) }
        if step.experiments.count > claimed.count { announceWork() }
        return step
    }

    /// Ends the running trials whose runs have all ended: their experiments' statuses in one query, then the records
    /// of those trials only. Marks them ended in `search`; returns the ends to record.
    private func scoreEndedTrials(_ search: inout HeldSearch, among ended: Set<String>?, stored: [String: ExperimentEnd]) throws -> [TrialEnd] {
        let running = search.trials.indices.filter { i in
            search.trials[i].state == .running && (ended.map { e in search.trials[i].experimentIDs.contains(where: e.contains) } ?? true)
        }
        guard !running.isEmpty else { return [] }
        // One query for the running trials' statuses and summaries: most objectives score from the summary alone.
        // Runs this instance stored are scored from what it stored (the same status and summary a read would give);
        // the others are read.
        let ids = running.flatMap { search.trials[$0].experimentIDs }
        let unknown = ids.filter { stored[$0] == nil }
        var runs = unknown.isEmpty ? [:] : try store.experimentEnds(unknown)
        if unknown.count < ids.count { for id in ids { if let end = stored[id] { runs[id] = end } } }
        // Comparisons refuse pruners, so only a plain search reads reports.
        let scoring = TrialScoring(store: store, objective: search.objective,
                                   reportEvery: search.search.pruner == nil ? nil : search.definition.reportEvery(search.search))
        var ends: [TrialEnd] = []
        for i in running where search.trials[i].experimentIDs.allSatisfy({ runs[$0]?.status.isFinal ?? true }) {
            guard let end = try scoring.end(of: search.trials[i], ends: runs) else { continue }
            ends.append(TrialEnd(number: search.trials[i].number, state: end.state, value: end.value, reports: end.reports))
            search.trials[i].state = end.state
            search.trials[i].value = end.value
            search.trials[i].reports = end.reports
        }
        return ends
    }

    /// The step rule of the study: its `SearchPlanner`, or a comparison's per-cell planner.
    private func planner(_ studyID: String, _ search: HeldSearch) throws -> ([TrialRecord]) -> SearchStep {
        if search.definition.comparison != nil {
            let planner = try ComparisonPlanner(studyID: studyID, definition: search.definition, check: check)
            return { planner.step($0) }
        }
        let planner = SearchPlanner(studyID: studyID, definition: search.definition, search: search.search, objective: search.objective,
                                    check: check)
        return { planner.step($0) }
    }
}

/// How a driver hands the runs of the trials it proposes to its own instance's workers, which then need not claim them:
/// the store inserts up to `room()` of a step's experiments claimed under this instance's lease (`StepClaim`), and
/// `take` gives them to the workers. Why: a claim is an UPDATE of each row and of its status index entry under the
/// store's write lock, which a 10,000-trial search's results and steps wait for; a run inserted claimed costs nothing
/// more than one inserted queued. Only where this process is the store's one user (SQLite): with several instances a
/// run claimed for one would wait for its workers while another's were idle.
struct StudyHandoff: Sendable {
    /// The lease owner: the instance's id.
    let owner: String
    /// Seconds a lease lasts without renewal.
    let leaseSeconds: Double
    /// How many more claimed runs the workers take now (0: queue them all).
    let room: @Sendable () -> Int
    /// Gives claimed runs (status running, attempt 1) to the workers.
    let take: @Sendable ([ExperimentRecord]) -> Void
}

/// What the driver holds of one active search between passes: its definition, parsed once, and every trial it has
/// seen, by number, in the state it last saw.
struct HeldSearch: Sendable {
    let definition: SearchDefinition
    let objective: StudyObjective
    /// The plain search's (a comparison's shared one: its cells are parsed by `ComparisonPlanner`).
    let search: StudySearch
    var trials: [TrialRecord]

    /// A search read from its stored definition and trials.
    init(definition text: String, trials: [TrialRecord]) throws {
        definition = try JSONCoding.decode(SearchDefinition.self, text)
        objective = try definition.parsedObjective()
        search = try definition.parsedSearch()
        self.trials = trials
    }

    /// How many leading trials have all ended: trials 0 … k − 1 are numbered 0 … k − 1 and none runs. A comparison
    /// numbers its cells' trials c·s + j, so numbers can have gaps, and the prefix stops at the first (a later trial
    /// may fill it).
    var endedPrefix: Int {
        var k = 0
        while k < trials.count && trials[k].number == k && trials[k].state != .running { k += 1 }
        return k
    }

    /// `trials` (by number) with `newer` in place of the trials of the same numbers and the others added, by number.
    static func merging(_ trials: [TrialRecord], _ newer: [TrialRecord]) -> [TrialRecord] {
        var out = trials
        merge(newer, into: &out)
        return out
    }

    /// `merging`, in place.
    static func merge(_ newer: [TrialRecord], into trials: inout [TrialRecord]) {
        guard !newer.isEmpty else { return }
        let held = trials.count
        var added: [TrialRecord] = []
        for t in newer {
            // Binary search among the held trials: the first position whose number is at least t's.
            var (lo, hi) = (0, held)
            while lo < hi {
                let mid = (lo + hi) / 2
                if trials[mid].number < t.number { lo = mid + 1 } else { hi = mid }
            }
            if lo < held && trials[lo].number == t.number { trials[lo] = t } else { added.append(t) }
        }
        guard !added.isEmpty else { return }
        added.sort { $0.number < $1.number }
        let last = held > 0 ? trials[held - 1].number : nil
        trials += added
        // New trials come after the held ones, except a comparison's earlier cells' (numbered below later cells').
        if let last, let first = added.first, first.number < last { trials.sort { $0.number < $1.number } }
    }
}
