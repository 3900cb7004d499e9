import DescentHTTP
import Foundation

/// `GET /v1/studies`: studies newest first, filtered by name, kind and search state, with cursor paging. Each
/// item is the study's header (no per-experiment rows; `GET /v1/studies/{id}` has those).
struct StudyListing: Sendable {
    let store: any Store

    func list(_ request: HTTPRequest) async throws -> HTTPResponse {
        let q = try Self.parse(request)
        let studies = try store.studies(q)
        let next = studies.count == q.limit ? studies.last.map(Self.cursor) : nil
        return .json(try JSONCoding.encode(Page(items: studies.map(Item.init), nextCursor: next)))
    }

    static func parse(_ request: HTTPRequest) throws(ServiceError) -> StudyQuery {
        var q = StudyQuery()
        q.name = request.query["name"]
        if let kind = request.query["kind"] {
            guard let k = StudyQuery.Kind(rawValue: kind) else { throw invalid("kind", "must be search or list") }
            q.kind = k
        }
        if let state = request.query["state"] {
            guard let s = SearchState(rawValue: state) else { throw invalid("state", "must be searching or finished") }
            q.state = s
        }
        q.limit = try RequestDecoding.int(request, "limit", default: 50, range: 1...500) ?? 50
        if let cursor = request.query["cursor"] {
            // "<created_at bit pattern, base 36>.<id>"
            guard let dot = cursor.firstIndex(of: "."), let bits = UInt64(cursor[..<dot], radix: 36) else {
                throw invalid("cursor", "is not a cursor returned by this API")
            }
            q.after = (Double(bitPattern: bits), String(cursor[cursor.index(after: dot)...]))
        }
        return q
    }

    /// The cursor continuing after `study`.
    static func cursor(_ study: StudyRecord) -> String {
        String(study.createdAt.timeIntervalSince1970.bitPattern, radix: 36) + "." + study.id
    }

    private static func invalid(_ field: String, _ message: String) -> ServiceError {
        .invalid(field: field, message: message, code: "invalid_query")
    }

    /// One listed study; every key is written (null when it does not apply).
    struct Item: Encodable {
        var id: String, name: String, kind: String, createdAt: String, experiments: Int?, lossTarget: Double?, state: String?
        init(_ s: StudyRecord) {
            id = s.id; name = s.name; kind = s.definition == nil ? StudyQuery.Kind.list.rawValue : StudyQuery.Kind.search.rawValue
            createdAt = Timestamp.format(s.createdAt); lossTarget = s.lossTarget; state = s.searchState?.rawValue
            experiments = s.definition == nil ? s.experimentIDs.count : nil
        }
        enum CodingKeys: CodingKey { case id, name, kind, createdAt, experiments, lossTarget, state }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(name, forKey: .name); try c.encode(kind, forKey: .kind)
            try c.encode(createdAt, forKey: .createdAt); try c.encode(experiments, forKey: .experiments)
            try c.encode(lossTarget, forKey: .lossTarget); try c.encode(state, forKey: .state)
        }
    }

    struct Page: Encodable {
        var items: [Item]
        var nextCursor: String?
        enum CodingKeys: CodingKey { case items, nextCursor }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(items, forKey: .items); try c.encode(nextCursor, forKey: .nextCursor)
        }
    }
}
