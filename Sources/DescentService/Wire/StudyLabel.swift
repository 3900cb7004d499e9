import DescentCore

/// The label of one grid cell of a study, as legends show it.
enum StudyLabel {
    /// One grid axis's part of a label: `optimizer.lr=0.1` for a scalar, and for an object with a
    /// `type` the type then its other members sorted by name (`sgd lr=0.019`, not the object's JSON).
    static func part(key: String, value: SpecValue) -> String {
        guard case .object(let members) = value else { return "\(key)=\(value.compactText)" }
        let rest = members.keys.sorted().filter { $0 != "type" }.map { "\($0)=\(members[$0]?.compactText ?? "")" }
        if case .string(let type)? = members["type"] { return ([type] + rest).joined(separator: " ") }
        return "\(key): " + rest.joined(separator: " ")
    }
}
