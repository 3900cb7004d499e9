import DescentCore
import Foundation

/// Which runs `GET /v1/studies/{id}/plot.svg` draws. A grid or list: every experiment, labelled as in the study. A
/// search: its best complete tuning trials by the study's objective (finite values, the lowest number among
/// equals; `TrialRecord.best`'s order) — the `searchLines` best of a plain search, the best of each cell of a
/// comparison — one line per trial, its first run. Why not every trial: a search runs up to 10,000 of them, and
/// the best ones are the curves a reader compares.
enum StudyPlotLines {
    /// Trials drawn for a plain search.
    static let searchLines = 10

    /// One line: the experiment drawn and its legend label.
    struct Line: Equatable {
        var experimentID: String
        var label: String
    }

    /// The lines of `study`, in legend order (best first; a comparison's cells in cell order).
    static func lines(of study: StudyRecord, store: any Store) throws -> [Line] {
        guard let text = study.definition else {
            return zip(study.experimentIDs, study.labels).map { Line(experimentID: $0, label: $1) }
        }
        let definition = try JSONCoding.decode(SearchDefinition.self, text)
        let objective = try definition.parsedObjective()
        let trials = try store.trials(study.id)
        guard let cells = definition.comparison else {
            // A plain search's confirmation trial (numbered after the budget) reruns the best: not a candidate.
            let budget = try definition.parsedSearch().trials
            let tuning = trials.filter { definition.confirm == nil || $0.number != budget }
            return best(tuning, objective, count: searchLines).map { line($0, label: SearchSummary.label($0)) }
        }
        let stride = try definition.comparisonStride()
        return try cells.indices.compactMap { c -> Line? in
            let budget = try definition.cell(c)?.parsedSearch().trials ?? 0
            let own = trials.filter { $0.number / stride == c && (definition.confirm == nil || $0.number % stride != budget) }
            return best(own, objective, count: 1).first.map { line($0, label: ComparisonCell.label($0, cells: cells, stride: stride)) }
        }
    }

    /// The `count` best complete trials with a finite value and at least one run, best first.
    static func best(_ trials: [TrialRecord], _ objective: StudyObjective, count: Int) -> [TrialRecord] {
        let scored = trials.filter { $0.state == .complete && ($0.value?.isFinite ?? false) && !$0.experimentIDs.isEmpty }
        let sorted = scored.sorted { a, b in
            let (x, y) = (a.value ?? 0, b.value ?? 0)
            return x == y ? a.number < b.number : objective.isBetter(x, than: y)
        }
        return Array(sorted.prefix(count))
    }

    private static func line(_ t: TrialRecord, label: String) -> Line {
        Line(experimentID: t.experimentIDs[0], label: label)
    }
}
