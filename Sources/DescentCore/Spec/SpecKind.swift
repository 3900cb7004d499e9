/// The sections of a spec whose objects choose a kind by their "type" member.
public enum SpecSection: String, Sendable, CaseIterable {
    /// "objective": {"type": …}.
    case objective
    /// "dataset": {"type": …}.
    case dataset
    /// "optimizer": {"type": …}.
    case optimizer
    /// "schedule": {"type": …}.
    case schedule
    /// Each entry of "transforms": [{"type": …}, …].
    case transform
}

/// A closed set of names a spec may choose from, each with its one-line summary and parameter table.
///
/// The enum is the single source: the checks, the builders' exhaustive `switch`es, the defaults
/// and the catalog all come from its cases, so adding a case does not compile until each handles it.
/// `allCases` is in catalog order.
public protocol SpecKind: RawRepresentable<String>, CaseIterable, Hashable, Sendable where AllCases == [Self] {
    /// One-line description for the catalog.
    var summary: String { get }
    /// Its parameters, in catalog order. The kinds keep every kind's table, built once, in a static dictionary. Why:
    /// building a table (names, ranges, descriptions: strings and arrays) on every call was a third of the check of
    /// a spec, which every submitted run and every proposed trial of a study pays.
    var parameters: [ParameterInfo] { get }
}

extension SpecKind {
    /// The kinds as catalog table entries, in `allCases` order.
    public static var table: [TypeInfo] { allCases.map(\.info) }

    /// The catalog table entry of this kind.
    public var info: TypeInfo { TypeInfo(rawValue, summary, parameters) }

    /// The names, comma-separated, for "allowed: …" messages.
    static var allowedNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
