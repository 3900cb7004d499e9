import DescentCore
import Foundation

/// One cell of a comparison: one optimizer on one problem, tuned by its own search.
struct ComparisonCell: Codable, Sendable, Equatable {
    /// The optimizer's label (its `type` unless the request named it).
    var optimizer: String
    /// The problem's label (its objective's `type` unless the request named it).
    var problem: String
    /// The problem's spec with the optimizer set: the cell's search starts from it.
    var base: SpecValue
    /// The cell's search: the shared one with the optimizer's extra parameters added to its space.
    var search: SpecValue
}

extension ComparisonCell {
    /// The label of a comparison trial's experiment in the study's table: "rosenbrock · adam #3 optimizer.lr=0.01"
    /// (the trial's number within its cell).
    static func label(_ t: TrialRecord, cells: [ComparisonCell], stride: Int) -> String {
        let c = t.number / stride
        var local = t
        local.number = t.number % stride
        let cell = cells.indices.contains(c) ? "\(cells[c].problem) · \(cells[c].optimizer) " : ""
        return cell + SearchSummary.label(local)
    }
}

/// A comparison's request (`POST /v1/studies` with `compare`): tune each optimizer on each problem, then run
/// each cell's best configuration again (`confirm` runs), and rank the cells of each problem.
///
/// `{"compare": {"optimizers": [{"type": "sgd"}, {"label": "momentum", "optimizer": {"type": "sgd", "momentum": 0.9},
/// "space": {…}}], "problems": [{"label": "…", "spec": {…}} or a spec]}, "search": {…}, "confirm": 5}`. The shared
/// `search` defaults to TPE over `optimizer.lr` log-uniform in [1e-5, 1] with 20 trials; an optimizer's `space` adds
/// parameters (or replaces shared ones) for its cells only.
enum ComparisonRequest {
    /// Most optimizers compared.
    static let maxOptimizers = 16
    /// Most problems.
    static let maxProblems = 8
    /// Most runs a comparison may make: over its cells, trials × replicates + confirmation runs.
    static let maxRuns = 20_000
    /// Confirmation runs per cell when the request does not say.
    static let defaultConfirm = 5
    /// The space searched when the request's `search` has none.
    static let defaultSpace: SpecValue = .object(["optimizer.lr": .object(["type": .string("log_uniform"), "low": .number(1e-5), "high": .number(1)])])

    /// The cells, problem-major (problem 0 with every optimizer, then problem 1, …), and the shared search with its
    /// space filled in; `paths` gives, per cell, where its problem's spec and its optimizer object are in the
    /// request (for error fields).
    static func cells(compare: SpecValue?, search: SpecValue?) throws(SearchError)
        -> (cells: [ComparisonCell], search: SpecValue, paths: [(problem: String, optimizer: String)]) {
        guard let o = compare?.object else { throw SearchError("compare", "must be an object with optimizers and problems") }
        for key in o.keys.sorted() where key != "optimizers" && key != "problems" {
            throw SearchError("compare.\(key)", "unknown key; allowed: optimizers, problems")
        }
        var shared = search?.object ?? [:]
        if let search, search != .null, search.object == nil { throw SearchError("search", "must be an object") }
        if shared["space"] == nil { shared["space"] = defaultSpace }
        let sharedSpace = shared["space"]?.object ?? [:]
        if shared["space"]?.object == nil { throw SearchError("search.space", "must be an object of dotted spec paths to parameters") }
        let optimizers = try entries(o["optimizers"], field: "compare.optimizers", limit: maxOptimizers, inner: "optimizer") { $0["type"]?.string }
        let problems = try entries(o["problems"], field: "compare.problems", limit: maxProblems, inner: "spec") {
            $0["objective"]?.object?["type"]?.string
        }
        var cells: [ComparisonCell] = []
        var paths: [(problem: String, optimizer: String)] = []
        for (p, problem) in problems.enumerated() {
            if problem.value.object?["optimizer"] != nil {
                throw SearchError("compare.problems[\(p)].optimizer", "is set by compare.optimizers; leave it out of the problem")
            }
            for (k, optimizer) in optimizers.enumerated() {
                var space = sharedSpace
                if let extra = optimizer.extra["space"] {
                    guard let e = extra.object else { throw SearchError("compare.optimizers[\(k)].space", "must be an object of dotted spec paths to parameters") }
                    _ = try SearchSpace(parsing: extra, field: "compare.optimizers[\(k)].space")
                    space.merge(e) { _, new in new }
                }
                var cellSearch = shared
                cellSearch["space"] = .object(space)
                let base = problem.value.setting([Substring("optimizer")][...], to: optimizer.value)
                cells.append(ComparisonCell(optimizer: optimizer.label, problem: problem.label, base: base, search: .object(cellSearch)))
                paths.append((problem.path, optimizer.path))
            }
        }
        return (cells, .object(shared), paths)
    }

    /// The labelled entries of `optimizers` or `problems`: a bare object, or `{"label", inner, …}`; labels unique.
    /// `path` is where the entry's object is in the request.
    private static func entries(_ value: SpecValue?, field: String, limit: Int, inner: String, defaultLabel: ([String: SpecValue]) -> String?)
        throws(SearchError) -> [(label: String, value: SpecValue, extra: [String: SpecValue], path: String)] {
        guard case .array(let items)? = value, !items.isEmpty, items.count <= limit else {
            throw SearchError(field, "must be an array of 1 to \(limit) entries")
        }
        var out: [(label: String, value: SpecValue, extra: [String: SpecValue], path: String)] = []
        for (i, item) in items.enumerated() {
            guard var o = item.object else { throw SearchError("\(field)[\(i)]", "must be an object") }
            var label: String?
            if case .string(let l)? = o["label"] { label = l } else if o["label"] != nil { throw SearchError("\(field)[\(i)].label", "must be a string") }
            o["label"] = nil
            let body: SpecValue
            var extra: [String: SpecValue] = [:]
            if let wrapped = o[inner] {
                guard let w = wrapped.object else { throw SearchError("\(field)[\(i)].\(inner)", "must be an object") }
                for key in o.keys.sorted() where key != inner && !(inner == "optimizer" && key == "space") {
                    throw SearchError("\(field)[\(i)].\(key)", "unknown key; allowed: label, \(inner)\(inner == "optimizer" ? ", space" : "")")
                }
                body = wrapped
                extra = o
                label = label ?? defaultLabel(w)
            } else {
                body = .object(o)
                label = label ?? defaultLabel(o)
            }
            guard let name = label, !name.isEmpty, name.count <= 100 else {
                throw SearchError("\(field)[\(i)].label", "is required (1 to 100 characters) when it cannot be taken from the entry")
            }
            if out.contains(where: { $0.label == name }) {
                throw SearchError("\(field)[\(i)].label", "'\(name)' is taken by an earlier entry; give each entry a distinct label")
            }
            out.append((name, body, extra, extra.isEmpty && o[inner] == nil ? "\(field)[\(i)]" : "\(field)[\(i)].\(inner)"))
        }
        return out
    }
}

extension SearchDefinition {
    /// The search definition of a comparison's cell `c`: its base and search with the comparison's objective,
    /// target, replicates and confirmation.
    func cell(_ c: Int) -> SearchDefinition? {
        guard let cells = comparison, cells.indices.contains(c) else { return nil }
        return SearchDefinition(base: cells[c].base, search: cells[c].search, objective: objective, lossTarget: lossTarget,
                                replicates: replicates, confirm: confirm)
    }

    /// Trial numbers per cell in a comparison: cell c's trial j is numbered c · stride + j (j up to its budget, the
    /// confirmation trial included).
    func comparisonStride() throws(SearchError) -> Int {
        var most = 0
        for c in (comparison ?? []).indices {
            guard let d = cell(c) else { continue }
            most = max(most, try d.parsedSearch().trials)
        }
        return most + 1
    }
}

/// Decides one step of a comparison: each cell's `SearchPlanner` on the cell's own trials, renumbered from 0, so a
/// cell proposes exactly what a search study of its own would (the same trials for the same spec and seed,
/// whatever the other cells do); the comparison is finished when every cell is.
struct ComparisonPlanner {
    let studyID: String
    let cells: [(definition: SearchDefinition, search: StudySearch)]
    let objective: StudyObjective
    let stride: Int
    let check: (SpecValue) throws -> ExperimentSpec

    /// The planner of `definition` (a comparison's).
    init(studyID: String, definition: SearchDefinition, check: @escaping (SpecValue) throws -> ExperimentSpec) throws(SearchError) {
        self.studyID = studyID
        var cells: [(SearchDefinition, StudySearch)] = []
        for c in (definition.comparison ?? []).indices {
            guard let d = definition.cell(c) else { continue }
            cells.append((d, try d.parsedSearch()))
        }
        self.cells = cells
        objective = try definition.parsedObjective()
        stride = try definition.comparisonStride()
        self.check = check
    }

    func step(_ trials: [TrialRecord]) -> SearchStep {
        var out = SearchStep()
        var finished = true
        for (c, cell) in cells.enumerated() {
            let offset = c * stride
            let own = trials.filter { $0.number / stride == c }.map { t in
                var local = t
                local.number -= offset
                return local
            }
            let planner = SearchPlanner(studyID: studyID, definition: cell.definition, search: cell.search, objective: objective, check: check)
            let step = planner.step(own)
            out.trials += step.trials.map { t in
                var global = t
                global.number += offset
                return global
            }
            out.experiments += step.experiments
            finished = finished && step.finished
        }
        out.finished = finished
        return out
    }
}
