import DescentCore
import Foundation

/// A search study as stored (the `definition` column): the base spec and the request's `search` and
/// `objective` objects, kept as given and parsed again by whichever instance advances the study, so every
/// instance proposes the same trials.
struct SearchDefinition: Codable, Sendable {
    /// The spec every trial starts from.
    var base: SpecValue
    /// The request's `search` object.
    var search: SpecValue
    /// The request's `objective` object, if any.
    var objective: SpecValue?
    /// The study's `loss_target` (the default target of `steps_to_target`).
    var lossTarget: Double?
    /// Runs per configuration, each with its own seed (`Replicates`); nil (stored before replicates existed) is 1.
    var replicates: Int? = nil
    /// Runs of the confirmation trial: once every tuning trial has ended, the best configuration runs again this
    /// many times on seeds no tuning trial used (`SearchPlanner`); nil: no confirmation.
    var confirm: Int? = nil
    /// The cells of a comparison (one search per optimizer and problem, `ComparisonPlanner`); nil for a plain search,
    /// whose `base` and `search` are then the one search's.
    var comparison: [ComparisonCell]? = nil

    /// Runs per configuration.
    var replicateCount: Int { replicates ?? 1 }

    // Stored with `JSONCoding` (snake_case keys) and read back without key conversion (the specs inside keep their
    // keys as they are), so a key of more than one word is named here as it is stored.
    enum CodingKeys: String, CodingKey {
        case base, search, objective, lossTarget = "loss_target", replicates, confirm, comparison
    }

    /// The parsed search.
    func parsedSearch() throws(SearchError) -> StudySearch { try StudySearch(parsing: search, field: "search") }

    /// The parsed objective.
    func parsedObjective() throws(SearchError) -> StudyObjective {
        try StudyObjective(parsing: objective, lossTarget: lossTarget, field: "objective")
    }

    /// Steps between the report points of closed-form trials when the search prunes: the pruner's `report_every`,
    /// else a tenth of the base spec's `steps` (at least 1).
    func reportEvery(_ search: StudySearch) -> Int {
        if let every = search.pruner?.reportEvery { return every }
        if case .object(let o) = base, case .number(let steps)? = o["steps"], steps >= 1, steps < 0x1p53 { return max(1, Int(steps) / 10) }
        return 1
    }

    /// The base spec with `assignment`'s values set at their paths.
    func spec(_ assignment: SearchAssignment) -> SpecValue {
        assignment.keys.sorted().reduce(base) { value, path in
            value.setting(path.split(separator: ".")[...], to: assignment[path] ?? .null)
        }
    }
}
