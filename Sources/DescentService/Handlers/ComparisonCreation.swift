import DescentCore
import DescentHTTP
import Foundation

extension StudyHandlers {
    /// Creates a comparison (a study with `compare`): one search per optimizer and problem, each followed by a
    /// confirmation trial. Checks every cell's first trial, stores the study and takes its first step at once.
    func createComparison(_ members: [String: SpecValue], name: String, lossTarget: Double?) throws -> HTTPResponse {
        for key in ["base", "grid", "experiments"] where members[key] != nil {
            throw ServiceError.invalid(field: key, message: "a comparison takes its specs from compare.problems; leave \(key) out", code: "invalid_study")
        }
        let (cells, shared, paths) = try ComparisonRequest.cells(compare: members["compare"], search: members["search"])
        let replicates = try Self.runCount(members, "replicates") ?? 1
        let confirm = try Self.runCount(members, "confirm") ?? ComparisonRequest.defaultConfirm
        let definition = SearchDefinition(base: .null, search: shared, objective: members["objective"], lossTarget: lossTarget,
                                          replicates: replicates, confirm: confirm, comparison: cells)
        _ = try definition.parsedObjective()
        if try definition.parsedSearch().pruner != nil {
            throw ServiceError.invalid(field: "search.pruner", message: "comparisons do not prune: every trial runs its whole budget", code: "invalid_study")
        }
        var runs = 0
        for c in cells.indices {
            guard let d = definition.cell(c) else { continue }
            let search = try d.parsedSearch()
            let grid = search.sampler == .grid ? search.space.grid(limit: StudySearch.maxTrials) ?? [] : []
            let first = search.propose(trial: 0, assignments: [], scores: [], grid: grid)
            do { _ = try ExperimentSpec.check(d.spec(first ?? [:]), limits: experiments.runner.limits) } catch {
                // An error in the optimizer belongs to its entry of compare.optimizers, any other to the problem's spec.
                throw ServiceError.spec(SpecErrors(error.errors.map { e in
                    var e = e
                    if e.field == "optimizer" || e.field.hasPrefix("optimizer.") {
                        let rest = e.field.dropFirst("optimizer".count)
                        e.field = paths[c].optimizer + rest
                    } else {
                        e.field = e.field.isEmpty ? paths[c].problem : paths[c].problem + "." + e.field
                    }
                    return e
                }))
            }
            runs += search.trials * replicates + confirm
        }
        guard runs <= ComparisonRequest.maxRuns else {
            throw ServiceError.invalid(field: "compare", message: "makes \(runs) runs (cells × (trials × replicates + confirm)); at most \(ComparisonRequest.maxRuns)",
                                       code: "invalid_study")
        }
        return try start(definition, name: name, lossTarget: lossTarget)
    }
}
