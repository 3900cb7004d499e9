import DescentCore
import DescentHTTP
import Foundation

/// Handlers for /v1/studies and /v1/presets: many experiments compared side by side.
struct StudyHandlers: Sendable {
    let experiments: ExperimentHandlers
    /// Advances search studies.
    let driver: StudyDriver
    /// Runs `batch_cost` presets.
    let batchCost: BatchCostHandlers
    /// Where `batch_cost` presets measure.
    let computePool: BlockingPool
    /// Most experiments one study may create.
    static let maxExperiments = 1000

    func create(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await create(body: RequestDecoding.json(request))
    }

    /// Expands a study body into checked specs with labels, then stores and queues them.
    func create(body: SpecValue) async throws -> HTTPResponse {
        let members = try RequestDecoding.object(body)
        let allowed = ["name", "base", "grid", "experiments", "loss_target", "search", "objective", "replicates", "confirm", "compare"]
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw ServiceError.invalid(field: key, message: "unknown key; allowed: \(allowed.joined(separator: ", "))", code: "invalid_study")
        }
        let name: String
        switch members["name"] {
        case nil: name = "study"
        case .string(let s)?: name = s
        default: throw ServiceError.invalid(field: "name", message: "must be a string", code: "invalid_study")
        }
        var lossTarget: Double?
        if let t = members["loss_target"], t != .null {
            guard case .number(let v) = t, v.isFinite else { throw ServiceError.invalid(field: "loss_target", message: "must be a finite number", code: "invalid_study") }
            lossTarget = v
        }
        if members["compare"] != nil { return try createComparison(members, name: name, lossTarget: lossTarget) }
        if members["search"] != nil { return try createSearch(members, name: name, lossTarget: lossTarget) }
        for key in ["objective", "replicates", "confirm"] where members[key] != nil {
            throw ServiceError.invalid(field: key, message: "applies to search studies only", code: "invalid_study")
        }
        let expanded = try expand(members)
        guard !expanded.isEmpty else { throw ServiceError.invalid(field: "experiments", message: "the study has no experiments", code: "invalid_study") }
        guard expanded.count <= Self.maxExperiments else {
            throw ServiceError.invalid(field: "grid", message: "expands to \(expanded.count) experiments; at most \(Self.maxExperiments)", code: "invalid_study")
        }
        var specs: [ExperimentSpec] = []
        for (i, item) in expanded.enumerated() {
            specs.append(try experiments.check(item.value, prefix: members["experiments"] != nil ? "experiments[\(i)]" : "grid[\(i)]"))
        }
        let studyID = RequestDecoding.newID("std")
        let records = specs.map { ExperimentRecord(queued: RequestDecoding.newID("exp"), spec: $0, studyID: studyID) }
        try experiments.submit(records, retryAfter: 5)  // one transaction, admitted all or none
        let ids = records.map(\.id)
        let study = StudyRecord(id: studyID, name: name, createdAt: Date(), experimentIDs: ids,
                                labels: expanded.map(\.label), lossTarget: lossTarget)
        try experiments.store.insertStudy(study)
        var response = try summary(study, status: 202)
        response.headers["Location"] = "/v1/studies/\(studyID)"
        return response
    }

    private func expand(_ members: [String: SpecValue]) throws -> [(label: String, value: SpecValue)] {
        if let list = members["experiments"] {
            guard members["grid"] == nil, members["base"] == nil else {
                throw ServiceError.invalid(field: "experiments", message: "give either experiments or base + grid", code: "invalid_study")
            }
            guard case .array(let items) = list else { throw ServiceError.invalid(field: "experiments", message: "must be an array of specs", code: "invalid_study") }
            return items.enumerated().map { i, v in
                var label = "#\(i + 1)"
                if case .object(let o) = v, case .string(let n)? = o["name"] { label = n }
                return (label, v)
            }
        }
        guard let base = members["base"] else { throw ServiceError.invalid(field: "base", message: "is required with grid", code: "invalid_study") }
        guard case .object(let grid)? = members["grid"] ?? .object([:]) else {
            throw ServiceError.invalid(field: "grid", message: "must be an object of dotted spec paths to value lists", code: "invalid_study")
        }
        var combos: [(label: [String], value: SpecValue)] = [([], base)]
        for key in grid.keys.sorted() {
            guard case .array(let values)? = grid[key], !values.isEmpty else {
                throw ServiceError.invalid(field: "grid.\(key)", message: "must be a non-empty array of values", code: "invalid_study")
            }
            let path = key.split(separator: ".")
            combos = combos.flatMap { combo in
                values.map { v in (combo.label + [StudyLabel.part(key: key, value: v)], combo.value.setting(path[...], to: v)) }
            }
            if combos.count > Self.maxExperiments { break }
        }
        return combos.map { ($0.label.isEmpty ? "base" : $0.label.joined(separator: ", "), $0.value) }
    }

    func get(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        guard let study = try experiments.store.study(id) else { throw ServiceError.notFound("study '\(id)'") }
        return try summary(study, status: 200)
    }

    func summary(_ study: StudyRecord, status: Int) throws -> HTTPResponse {
        var members = Array(zip(study.experimentIDs, study.labels))
        var search: SearchSummary?
        var trials: [TrialRecord] = []
        var definition: SearchDefinition?
        if let text = study.definition {
            let d = try JSONCoding.decode(SearchDefinition.self, text)
            trials = try experiments.store.trials(study.id)
            let stride = d.comparison == nil ? nil : try d.comparisonStride()
            members = trials.flatMap { t in
                let label = stride.flatMap { s in d.comparison.map { cells in ComparisonCell.label(t, cells: cells, stride: s) } } ?? SearchSummary.label(t)
                return t.experimentIDs.map { ($0, label) }
            }
            search = try SearchSummary(study, trials: trials)
            definition = d
        }
        var rows: [StudyMemberRow] = []
        rows.reserveCapacity(members.count)
        // Every member in one query (a search of 10,000 trials has as many). Whole records (each spec decoded) only
        // where a row needs one: steps to the study's loss target and a comparison's leaderboard read the run; the
        // table otherwise needs its status, summary and times, which `experimentEnds` reads without the spec (the
        // whole records were two thirds of a 10,000-trial study's read).
        let ids = members.map(\.0)
        let records = study.lossTarget != nil || definition?.comparison != nil ? try experiments.store.experiments(ids: ids) : [:]
        let ends = records.isEmpty ? try experiments.store.experimentEnds(ids) : records.mapValues(ExperimentEnd.init)
        for (id, label) in members {
            guard let r = ends[id] else {
                rows.append(StudyMemberRow(id: id, label: label, status: "deleted"))
                continue
            }
            var row = StudyMemberRow(id: id, label: label, status: r.status.rawValue, finalLoss: r.summary?.finalLoss,
                          bestLoss: r.summary?.bestLoss, stepsRun: r.summary?.stepsRun)
            if let s = r.startedAt, let f = r.finishedAt { row.durationMs = (f.timeIntervalSince(s) * 1e6).rounded() / 1e3 }
            if let target = study.lossTarget, r.status.isFinal, let record = records[id] {
                row.stepsToTarget = try? experiments.store.stepsToTarget(record, target)
            }
            rows.append(row)
        }
        search?.countDiverged(records: ends)
        search?.aggregate(records: ends, studyTarget: study.lossTarget)
        var comparison: Leaderboard?
        if let definition, definition.comparison != nil {
            let store = experiments.store
            comparison = try Leaderboard(definition: definition, trials: trials, records: records) { try store.stepsToTarget($0, $1) }
        }
        let overall: String
        if let search, search.state == SearchState.searching.rawValue { overall = rows.contains(where: { $0.status == "running" }) ? "running" : "queued" }
        else if rows.allSatisfy({ ExperimentStatus(rawValue: $0.status)?.isFinal ?? true }) { overall = "finished" }
        else if rows.contains(where: { $0.status == "running" }) { overall = "running" }
        else { overall = "queued" }
        return .json(try StudyJSON.body(id: study.id, name: study.name, status: overall, createdAt: Timestamp.format(study.createdAt),
                                        lossTarget: study.lossTarget, rows: rows, search: search, comparison: comparison), status: status)
    }

    /// The body of `GET /v1/presets`: the same for every request (built once, at route setup).
    static func presetList() throws -> [UInt8] {
        struct Item: Encodable { var name: String; var title: String; var description: String; var kind: String; var body: SpecValue }
        let items = try PresetCatalog.entries.map { e in
            Item(name: e.name, title: e.title, description: e.description, kind: e.kind,
                 body: try JSONDecoder().decode(SpecValue.self, from: Data(e.body.utf8)))
        }
        struct List: Encodable { var items: [Item] }
        return try JSONCoding.encode(List(items: items))
    }

    func runPreset(_ request: HTTPRequest) async throws -> HTTPResponse {
        let name = request.pathParameters["name"] ?? ""
        guard let preset = PresetCatalog.entries.first(where: { $0.name == name }) else { throw ServiceError.notFound("preset '\(name)'") }
        let body = try JSONDecoder().decode(SpecValue.self, from: Data(preset.body.utf8))
        if preset.kind == "study" { return try await create(body: body) }
        if preset.kind == "batch_cost" {
            // A measurement, not a run to store: answered as `POST /v1/analysis/batch-cost` with the preset's body.
            let batchCost = self.batchCost
            return try await computePool.run { try batchCost.respond(to: body, as: .json) }
        }
        let spec = try experiments.check(body)
        return try experiments.respond(try experiments.submit(spec), status: 202)
    }
}
