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

    /// The parsed search.
    func parsedSearch() throws(SearchError) -> StudySearch { try StudySearch(parsing: search, field: "search") }

    /// The parsed objective.
    func parsedObjective() throws(SearchError) -> StudyObjective {
        try StudyObjective(parsing: objective, lossTarget: lossTarget, field: "objective")
    }

    /// The base spec with `assignment`'s values set at their paths.
    func spec(_ assignment: SearchAssignment) -> SpecValue {
        assignment.keys.sorted().reduce(base) { value, path in
            value.setting(path.split(separator: ".")[...], to: assignment[path] ?? .null)
        }
    }
}
