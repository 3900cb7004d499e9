import Foundation

extension Client {
    /// One listed study (`GET /v1/studies`): its header, without experiments or trials.
    public struct StudyHeader: Sendable, Equatable, Codable {
        /// Study id.
        public var id: String
        /// Name from the request.
        public var name: String
        /// `search` or `list`.
        public var kind: String
        /// RFC 3339 creation time.
        public var createdAt: String
        /// A list study's experiment count (nil for a search).
        public var experiments: Int?
        /// Loss target, if given.
        public var lossTarget: Double?
        /// A search study's state: `searching` or `finished`.
        public var state: String?
    }

    /// One page of `GET /v1/studies`.
    public struct StudyPage: Sendable, Equatable, Codable {
        /// The studies, newest first.
        public var items: [StudyHeader]
        /// Cursor for the next page; nil on the last.
        public var nextCursor: String?
    }

    /// Filters and paging for `studies(_:)`.
    public struct StudyQuery: Sendable, Equatable {
        /// Only studies with this name (ASCII letters without case).
        public var name: String?
        /// `search` or `list`.
        public var kind: String?
        /// `searching` or `finished` (search studies).
        public var state: String?
        /// Page size (server default 50).
        public var limit: Int?
        /// Cursor from the previous page.
        public var cursor: String?

        /// Creates a query; every filter is optional.
        public init(name: String? = nil, kind: String? = nil, state: String? = nil, limit: Int? = nil, cursor: String? = nil) {
            self.name = name; self.kind = kind; self.state = state; self.limit = limit; self.cursor = cursor
        }

        var items: [(String, String?)] {
            [("name", name), ("kind", kind), ("state", state), ("limit", limit.map(String.init)), ("cursor", cursor)]
        }
    }

    /// A page of studies, newest first (`GET /v1/studies`).
    public func studies(_ query: StudyQuery = StudyQuery()) async throws(ClientError) -> StudyPage {
        try await call(StudyPage.self, "GET", Self.path("/v1/studies", query.items))
    }
}
