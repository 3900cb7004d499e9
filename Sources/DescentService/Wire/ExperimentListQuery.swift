import DescentHTTP
import Foundation

/// The query of `GET /v1/experiments` read into an `ExperimentQuery`: its filters, `sort`, `filter`, page size
/// and cursor. Every problem is a 400 `invalid_query` naming the parameter.
enum ExperimentListQuery {
    /// Most conditions in one `filter`.
    static let maxConditions = 16

    /// Reads the listing parameters of `request`.
    static func parse(_ request: HTTPRequest) throws(ServiceError) -> ExperimentQuery {
        var q = ExperimentQuery()
        if let s = request.query["status"] {
            guard let status = ExperimentStatus(rawValue: s) else {
                throw invalid("status", "must be one of \(ExperimentStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            q.status = status
        }
        q.tag = request.query["tag"]
        q.objective = request.query["objective"]
        q.optimizer = request.query["optimizer"]
        if let filter = request.query["filter"] { q.conditions = try conditions(filter) }
        var sort = request.query["sort"] ?? "-created_at"
        q.descending = sort.hasPrefix("-")
        if q.descending { sort.removeFirst() }
        if sort != "created_at" {
            guard let field = ExperimentField(sort) else {
                throw invalid("sort", "must be created_at, a summary metric (summary.final_loss) or a spec path (optimizer.lr), optionally after '-'")
            }
            q.sort = ExperimentSort(field: field)
        }
        q.limit = try RequestDecoding.int(request, "limit", default: 50, range: 1...500) ?? 50
        if let cursor = request.query["cursor"] { try read(cursor: cursor, into: &q) }
        return q
    }

    /// The cursor continuing after `last`: its sequence number in base 36, and with a field sort, a dot and the
    /// bit pattern of its value in base 36 ("n" when it had none).
    static func cursor(after last: ExperimentRecord, sortValue: Double??) -> String {
        let seq = String(last.sequence, radix: 36)
        guard let sortValue else { return seq }
        return seq + "." + (sortValue.map { String($0.bitPattern, radix: 36) } ?? "n")
    }

    private static func read(cursor: String, into q: inout ExperimentQuery) throws(ServiceError) {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        guard let seq = Int64(parts[0], radix: 36), seq >= 0, parts.count == (q.sort == nil ? 1 : 2) else {
            throw invalid("cursor", "is not a cursor returned by this API for this sort")
        }
        q.after = seq
        if parts.count == 2 {
            if parts[1] == "n" { q.sort?.afterValue = nil; return }
            guard let bits = UInt64(parts[1], radix: 36) else { throw invalid("cursor", "is not a cursor returned by this API for this sort") }
            q.sort?.afterValue = Double(bitPattern: bits)
        }
    }

    /// Parses `path:value` conditions joined by commas: a number (`optimizer.lr:0.01`), a closed range with
    /// either bound optional (`optimizer.lr:0.001..0.1`, `summary.final_loss:..1e-3`), or a string
    /// (`optimizer.type:adam`).
    static func conditions(_ text: String) throws(ServiceError) -> [ExperimentCondition] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= maxConditions else { throw invalid("filter", "has \(items.count) conditions; at most \(maxConditions)") }
        var result: [ExperimentCondition] = []
        for item in items {
            guard let colon = item.firstIndex(of: ":"), let field = ExperimentField(String(item[..<colon])) else {
                throw invalid("filter", "'\(item)' is not path:value (a path of lower-case letters, digits and _ joined by dots)")
            }
            let value = String(item[item.index(after: colon)...])
            guard !value.isEmpty else { throw invalid("filter", "'\(item)' has no value") }
            result.append(ExperimentCondition(field: field, test: test(value)))
        }
        return result
    }

    private static func test(_ value: String) -> ExperimentCondition.Test {
        if let v = Double(value), v.isFinite { return .number(v) }
        if let dots = value.range(of: "..") {
            let low = String(value[..<dots.lowerBound]), high = String(value[dots.upperBound...])
            let l = Double(low), h = Double(high)
            if (low.isEmpty || l != nil) && (high.isEmpty || h != nil) && !(low.isEmpty && high.isEmpty) { return .range(l, h) }
        }
        return .text(value)
    }

    private static func invalid(_ field: String, _ message: String) -> ServiceError {
        .invalid(field: field, message: message, code: "invalid_query")
    }
}
