import DescentCore
import Foundation

/// A value of an experiment that listings sort and filter by: a summary metric (`summary.final_loss`) or any
/// path in its spec (`optimizer.lr`, `optimizer.betas.0`, `objective.type`).
///
/// Numbers compare as numbers; the summary's non-finite values (stored as the strings "Infinity" and
/// "-Infinity") as ±∞; NaN, strings, objects and absent values have no numeric value: they match no range
/// and sort after every number, in either direction.
public struct ExperimentField: Sendable, Equatable, CustomStringConvertible {
    /// Which stored JSON document the path is in.
    public enum Document: Sendable, Equatable { case spec, summary }
    /// The document.
    public var document: Document
    /// Keys and array indices from the document's root; each of ASCII lower-case letters, digits and `_`.
    public var path: [String]

    /// Most segments in a path.
    public static let maxDepth = 8
    /// Longest segment, characters.
    public static let maxSegmentLength = 64

    /// Parses a dotted path; nil when it is empty, too deep, or a segment has other characters.
    public init?(_ text: String) {
        var segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var document = Document.spec
        if segments.first == "summary" { document = .summary; segments.removeFirst() }
        guard !segments.isEmpty, segments.count <= Self.maxDepth,
              segments.allSatisfy({ s in !s.isEmpty && s.count <= Self.maxSegmentLength && s.utf8.allSatisfy(Self.allowed) })
        else { return nil }
        self.document = document
        self.path = segments
    }

    private static func allowed(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 95
    }

    /// The dotted path as given ("summary.final_loss").
    public var description: String { (document == .summary ? "summary." : "") + path.joined(separator: ".") }

    /// The path as an SQLite JSON path: `$.optimizer.betas[0]` (a segment of digits is an array index).
    var sqlitePath: String {
        "$" + path.map { $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } ? "[\($0)]" : ".\($0)" }.joined()
    }

    /// The path as a PostgreSQL text array literal for `#>`: `{optimizer,betas,0}` (segments need no quoting).
    var postgresPath: String { "{" + path.joined(separator: ",") + "}" }
}

/// One condition of a listing's `filter`: a field equal to a number or a string, or within a closed range.
public struct ExperimentCondition: Sendable, Equatable {
    /// What the field must be.
    public enum Test: Sendable, Equatable {
        /// Numerically equal.
        case number(Double)
        /// A string equal to this one, ASCII letters compared without case.
        case text(String)
        /// A number within these bounds, inclusive; a nil bound is open.
        case range(Double?, Double?)
    }
    /// The field tested.
    public var field: ExperimentField
    /// The test.
    public var test: Test

    /// A condition.
    public init(field: ExperimentField, test: Test) { self.field = field; self.test = test }
}

/// A listing's order by a field, and where a page continues: the last row's value (nil when it had none) and
/// sequence number.
public struct ExperimentSort: Sendable, Equatable {
    /// The field sorted by.
    public var field: ExperimentField
    /// The value of the last row of the previous page, when continuing.
    public var afterValue: Double?
}

extension ExperimentField {
    /// The field's numeric value in `record`, as the stores compute it for sorting (nil when it has none).
    public func number(in record: ExperimentRecord) -> Double? {
        let document: SpecValue?
        switch self.document {
        case .spec: document = try? JSONDecoder().decode(SpecValue.self, from: Data(SpecJSON.encode(record.spec)))
        case .summary: document = record.summary.flatMap { try? JSONDecoder().decode(SpecValue.self, from: Data(JSONCoding.encode($0))) }
        }
        var value = document
        for segment in path {
            switch value {
            case .object(let members)?: value = members[segment]
            case .array(let items)?: value = Int(segment).flatMap { items.indices.contains($0) ? items[$0] : nil }
            default: value = nil
            }
        }
        switch value {
        case .number(let v)?: return v
        case .string("Infinity")?: return .infinity
        case .string("-Infinity")?: return -.infinity
        default: return nil
        }
    }
}
