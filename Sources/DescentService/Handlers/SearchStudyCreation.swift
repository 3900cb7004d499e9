import DescentCore
import DescentHTTP
import Foundation

extension StudyHandlers {
    /// Creates a search study: checks the definition and trial 0's spec, stores the study, and takes its first
    /// step at once, so the response already lists the first `max_concurrent` trials.
    func createSearch(_ members: [String: SpecValue], name: String, lossTarget: Double?) throws -> HTTPResponse {
        guard members["grid"] == nil, members["experiments"] == nil else {
            throw ServiceError.invalid(field: "search", message: "give either search or grid or experiments", code: "invalid_study")
        }
        guard let base = members["base"] else { throw ServiceError.invalid(field: "base", message: "is required with search", code: "invalid_study") }
        let replicates = try Self.runCount(members, "replicates") ?? 1
        let definition = SearchDefinition(base: base, search: members["search"] ?? .null, objective: members["objective"],
                                          lossTarget: lossTarget, replicates: replicates, confirm: try Self.runCount(members, "confirm"))
        let search = try definition.parsedSearch()
        _ = try definition.parsedObjective()
        if search.pruner != nil { try Self.checkPruning(definition, search) }
        let first = search.propose(trial: 0, assignments: [], scores: [], grid: search.sampler == .grid ? search.space.grid(limit: StudySearch.maxTrials) ?? [] : [])
        _ = try experiments.check(definition.spec(first ?? [:]), prefix: "base")
        return try start(definition, name: name, lossTarget: lossTarget)
    }

    /// Stores a checked search (or comparison) and takes its first step at once, so the response already lists the
    /// first trials.
    func start(_ definition: SearchDefinition, name: String, lossTarget: Double?) throws -> HTTPResponse {
        let study = StudyRecord(id: RequestDecoding.newID("std"), name: name, createdAt: Date(), experimentIDs: [], labels: [],
                                lossTarget: lossTarget, definition: try JSONCoding.string(definition), searchState: .searching)
        try experiments.store.insertStudy(study)
        try driver.advance(study.id)
        var response = try summary(study, status: 202)
        response.headers["Location"] = "/v1/studies/\(study.id)"
        return response
    }
}

extension StudyHandlers {
    /// The request's `replicates` or `confirm`: runs per configuration, 1 … `Replicates.maxCount`; nil when absent.
    static func runCount(_ members: [String: SpecValue], _ key: String) throws -> Int? {
        guard let r = members[key] else { return nil }
        guard case .number(let k) = r, k == k.rounded(), k >= 1, k <= Double(Replicates.maxCount) else {
            throw ServiceError.invalid(field: key, message: "must be an integer from 1 to \(Replicates.maxCount)", code: "invalid_study")
        }
        return Int(k)
    }

    /// A pruning search runs one experiment per trial, and a closed-form base records every report point (the
    /// trial's reports are read back from its recorded rows).
    static func checkPruning(_ definition: SearchDefinition, _ search: StudySearch) throws {
        guard definition.replicateCount == 1 else {
            throw ServiceError.invalid(field: "search.pruner", message: "cannot be combined with replicates > 1", code: "invalid_study")
        }
        guard case .object(let base) = definition.base, base["dataset"] == nil || base["dataset"] == .null else { return }
        let every = definition.reportEvery(search)
        if case .number(let r)? = base["record_every"], r >= 1, r == r.rounded(), every % Int(r) != 0 {
            throw ServiceError.invalid(field: "search.pruner.report_every",
                                       message: "must be a multiple of the base spec's record_every (\(Int(r))); report_every is \(every)",
                                       code: "invalid_study")
        }
    }
}

/// The `search` block of a search study's JSON: its settings, progress, best trial and every trial.
struct SearchSummary: Encodable {
    struct Objective: Encodable { var metric: String; var direction: String; var target: Double? }
    struct Trial: Encodable {
        var number: Int; var state: String; var value: Double?; var params: SearchAssignment; var experimentIds: [String]
        /// The spread of its replicates (studies with `replicates` > 1, and confirmation trials).
        var replicates: ReplicateAggregate? = nil
        /// A comparison's cell (index into its optimizers × problems, problem-major); absent in a plain search.
        var cell: Int? = nil
        /// True for a confirmation trial (the best tuning trial's values run again); absent otherwise.
        var confirmation: Bool? = nil
        /// How many of its runs ended diverged: a complete trial with any is scored worst (its `value` ±∞), and
        /// shows as diverged rather than succeeded.
        var diverged = 0
    }
    var state: String
    /// Runs per configuration.
    var replicates: Int
    var sampler: String
    /// `median`, `asha`, or null when the search does not prune.
    var pruner: String?
    /// Report interval of closed-form trials (null without a pruner).
    var reportEvery: Int?
    /// Trials stopped by the pruner.
    var trialsPruned: Int
    var budget: Int
    var maxConcurrent: Int
    var seed: UInt64
    var objective: Objective
    var trialsEnded: Int
    /// Runs of the confirmation trial (null without one).
    var confirm: Int?
    /// The best complete tuning trial (null in a comparison, whose cells each have their own: see its leaderboard).
    var best: Trial?
    /// The confirmation trial of a plain search, once proposed.
    var confirmation: Trial?
    var trials: [Trial]

    /// The block for `study` and its trials; nil for lists and grids. A comparison's `sampler`, `budget` and the
    /// like are its shared search's (each cell's budget is in its leaderboard entry).
    init?(_ study: StudyRecord, trials: [TrialRecord]) throws {
        guard let text = study.definition else { return nil }
        let definition = try JSONCoding.decode(SearchDefinition.self, text)
        let search = try definition.parsedSearch(), objective = try definition.parsedObjective()
        state = study.searchState?.rawValue ?? "searching"
        sampler = search.sampler.name
        switch search.pruner?.kind {
        case .median?: pruner = "median"
        case .successiveHalving?: pruner = "asha"
        case nil: pruner = nil
        }
        reportEvery = search.pruner == nil ? nil : definition.reportEvery(search)
        trialsPruned = trials.count { $0.state == .pruned }
        budget = search.trials
        maxConcurrent = search.maxConcurrent
        seed = search.seed
        replicates = definition.replicateCount
        self.objective = Objective(metric: objective.metric.rawValue, direction: objective.direction.rawValue, target: objective.target)
        trialsEnded = trials.count { $0.state != .running }
        confirm = definition.confirm
        let stride = definition.comparison == nil ? nil : try definition.comparisonStride()
        let budgets = try (definition.comparison ?? []).indices.map { c in try definition.cell(c)?.parsedSearch().trials ?? 0 }
        self.trials = trials.map { t in
            var row = Trial(number: t.number, state: t.state.rawValue, value: t.value, params: t.params, experimentIds: t.experimentIDs)
            if let stride {
                let c = t.number / stride
                row.cell = c
                if definition.confirm != nil, budgets.indices.contains(c), t.number % stride == budgets[c] { row.confirmation = true }
            } else if definition.confirm != nil, t.number == search.trials {
                row.confirmation = true
            }
            return row
        }
        best = nil
        confirmation = stride == nil ? self.trials.first { $0.confirmation == true } : nil
        // A plain search's confirmation trial, numbered after the budget, is not a candidate.
        if stride == nil, let b = TrialRecord.best(of: trials.filter { definition.confirm == nil || $0.number != search.trials }, objective) {
            best = self.trials.first { $0.number == b.number }
        }
    }

    /// Counts each trial's diverged runs from its experiments' records (a deleted one counts as not diverged).
    mutating func countDiverged(records: [String: ExperimentEnd]) {
        for i in trials.indices {
            trials[i].diverged = trials[i].experimentIds.count { records[$0]?.status == .diverged }
        }
        if let b = best?.number, let t = trials.first(where: { $0.number == b }) { best = t }
        if let b = confirmation?.number, let t = trials.first(where: { $0.number == b }) { confirmation = t }
    }

    /// Fills each trial's `replicates` from its experiments' records (studies with more than one replicate).
    mutating func aggregate(records: [String: ExperimentEnd], studyTarget: Double?) {
        for i in trials.indices where replicates > 1 || trials[i].confirmation == true {
            trials[i].replicates = ReplicateAggregate(finishedRuns: ReplicateAggregate.finishedRuns(trials[i].experimentIds, in: records),
                                                      target: objective.target ?? studyTarget)
        }
        if let b = best?.number, let t = trials.first(where: { $0.number == b }) { best = t }
        if let b = confirmation?.number, let t = trials.first(where: { $0.number == b }) { confirmation = t }
    }

    /// The label of a trial's experiment in the study's table: "#3 optimizer.lr=0.01".
    static func label(_ t: TrialRecord) -> String {
        (["#\(t.number)"] + t.params.keys.sorted().map { StudyLabel.part(key: $0, value: t.params[$0] ?? .null) }).joined(separator: " ")
    }
}

extension TrialRecord {
    /// The complete trial with the best finite value, the lowest number among equals; nil without one.
    static func best(of trials: [TrialRecord], _ objective: StudyObjective) -> TrialRecord? {
        var best: TrialRecord?
        for t in trials where t.state == .complete {
            guard let v = t.value, v.isFinite else { continue }
            if let b = best?.value, !objective.isBetter(v, than: b) { continue }
            best = t
        }
        return best
    }
}
