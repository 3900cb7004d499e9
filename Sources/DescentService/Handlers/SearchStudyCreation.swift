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
        let definition = SearchDefinition(base: base, search: members["search"] ?? .null, objective: members["objective"], lossTarget: lossTarget)
        let search = try definition.parsedSearch()
        _ = try definition.parsedObjective()
        let first = search.propose(trial: 0, assignments: [], scores: [], grid: search.sampler == .grid ? search.space.grid(limit: StudySearch.maxTrials) ?? [] : [])
        _ = try experiments.check(definition.spec(first ?? [:]), prefix: "base")
        let study = StudyRecord(id: RequestDecoding.newID("std"), name: name, createdAt: Date(), experimentIDs: [], labels: [],
                                lossTarget: lossTarget, definition: try JSONCoding.string(definition), searchState: .searching)
        try experiments.store.insertStudy(study)
        try driver.advance(study.id)
        var response = try summary(study, status: 202)
        response.headers["Location"] = "/v1/studies/\(study.id)"
        return response
    }
}

/// The `search` block of a search study's JSON: its settings, progress, best trial and every trial.
struct SearchSummary: Encodable {
    struct Objective: Encodable { var metric: String; var direction: String; var target: Double? }
    struct Trial: Encodable { var number: Int; var state: String; var value: Double?; var params: SearchAssignment; var experimentIds: [String] }
    var state: String
    var sampler: String
    var budget: Int
    var maxConcurrent: Int
    var seed: UInt64
    var objective: Objective
    var trialsEnded: Int
    var best: Trial?
    var trials: [Trial]

    /// The block for `study` and its trials; nil for lists and grids.
    init?(_ study: StudyRecord, trials: [TrialRecord]) throws {
        guard let text = study.definition else { return nil }
        let definition = try JSONCoding.decode(SearchDefinition.self, text)
        let search = try definition.parsedSearch(), objective = try definition.parsedObjective()
        state = study.searchState?.rawValue ?? "searching"
        sampler = search.sampler.name
        budget = search.trials
        maxConcurrent = search.maxConcurrent
        seed = search.seed
        self.objective = Objective(metric: objective.metric.rawValue, direction: objective.direction.rawValue, target: objective.target)
        trialsEnded = trials.count { $0.state != .running }
        self.trials = trials.map { Trial(number: $0.number, state: $0.state.rawValue, value: $0.value, params: $0.params, experimentIds: $0.experimentIDs) }
        best = nil
        for (t, row) in zip(trials, self.trials) where t.state == .complete {
            guard let v = t.value, v.isFinite else { continue }
            if let b = best?.value, !objective.isBetter(v, than: b) { continue }
            best = row
        }
    }

    /// The label of a trial's experiment in the study's table: "#3 optimizer.lr=0.01".
    static func label(_ t: TrialRecord) -> String {
        (["#\(t.number)"] + t.params.keys.sorted().map { StudyLabel.part(key: $0, value: t.params[$0] ?? .null) }).joined(separator: " ")
    }
}
