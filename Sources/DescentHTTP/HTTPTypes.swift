/// An HTTP request method (RFC 9110 §9); any token is accepted, the common ones are named.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The method token as sent, e.g. "GET".
    public let rawValue: String
    /// Wraps a method token.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a method token given as a literal.
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    public static let get: HTTPMethod = "GET"
    public static let head: HTTPMethod = "HEAD"
    public static let post: HTTPMethod = "POST"
    public static let put: HTTPMethod = "PUT"
    public static let delete: HTTPMethod = "DELETE"
    public static let patch: HTTPMethod = "PATCH"
    public static let options: HTTPMethod = "OPTIONS"
}

/// Ordered header fields; names compare case-insensitively, repeated fields are kept.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    private var fields: [(name: String, value: String)] = []

    /// An empty header list.
    public init() {}
    /// Headers from (name, value) pairs, in order.
    public init(_ pairs: [(String, String)]) { fields = pairs.map { (name: $0.0, value: $0.1) } }
    /// Headers from a literal.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// First value of `name`; setting replaces every field of that name (nil removes them).
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveEquals(name) }?.value }
        set {
            remove(name)
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// Appends a field, keeping existing ones of the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    /// Removes every field of `name`.
    public mutating func remove(_ name: String) { fields.removeAll { $0.name.caseInsensitiveEquals(name) } }

    /// Whether a comma-separated header contains `token` (case-insensitive), e.g. Connection: close.
    public func contains(token: String, in name: String) -> Bool {
        values(name).contains { value in
            value.split(separator: ",").contains { $0.trimmingASCIIWhitespace().caseInsensitiveEquals(token) }
        }
    }

    /// Number of fields.
    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

/// Decoded query parameters of a request target, in order ('+' decodes to a space).
public struct QueryParameters: Sendable {
    /// The decoded (name, value) pairs in order.
    public let items: [(name: String, value: String)]

    /// Parses a raw query string (without the '?'); undecodable escapes are kept literally.
    public init(rawQuery: String) {
        items = rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusAsSpace: true)
            let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: true) : ""
            return (name: name, value: value)
        }
    }

    /// First value of `name`.
    public subscript(name: String) -> String? { items.first { $0.name == name }?.value }
    /// Every value of `name`.
    public func values(_ name: String) -> [String] { items.filter { $0.name == name }.map(\.value) }
}

/// A complete request as handed to a handler.
public struct HTTPRequest: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The raw request-target from the request line.
    public var target: String
    /// The percent-decoded path.
    public var path: String
    /// Decoded query parameters.
    public var query: QueryParameters
    /// Header fields.
    public var headers: HTTPHeaders
    /// The whole body (chunked bodies are de-chunked).
    public var body: [UInt8]
    /// Parameters captured by the router from the path pattern.
    public var pathParameters: [String: String]
    /// The pattern of the route the router matched ("/v1/experiments/:id"); empty when none matched.
    public var route: String
    /// The request id (X-Request-Id or generated).
    public var requestID: String
    /// The peer address, "ip:port".
    public var remoteAddress: String
    /// HTTP minor version (0 or 1).
    public var minorVersion: Int

    /// Creates a request (used by the server and by tests that drive handlers directly).
    public init(method: HTTPMethod, target: String, headers: HTTPHeaders = .init(), body: [UInt8] = [],
                remoteAddress: String = "", minorVersion: Int = 1) {
        self.method = method
        self.target = target
        let (rawPath, rawQuery) = target.splitTarget()
        path = PercentDecoding.decode(Substring(rawPath), plusAsSpace: false)
        query = QueryParameters(rawQuery: rawQuery)
        self.headers = headers
        self.body = body
        pathParameters = [:]
        route = ""
        requestID = headers["X-Request-Id"] ?? ""
        self.remoteAddress = remoteAddress
        self.minorVersion = minorVersion
    }
}

/// A response body: all at once, or produced over time (sent chunked).
public enum HTTPBody: Sendable {
    /// A fixed body sent with Content-Length.
    case bytes([UInt8])
    /// A streamed body; the producer writes until it returns or the client disconnects.
    case stream(@Sendable (HTTPBodyWriter) async throws -> Void)
}

/// A response as returned by a handler.
public struct HTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Header fields (Date, Server, Content-Length/Transfer-Encoding are added by the server).
    public var headers: HTTPHeaders
    /// The body.
    public var body: HTTPBody

    /// Creates a response.
    public init(status: Int = 200, headers: HTTPHeaders = .init(), body: HTTPBody = .bytes([])) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// A JSON response.
    public static func json(_ bytes: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: .bytes(bytes))
    }

    /// A text response.
    public static func text(_ string: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: .bytes(Array(string.utf8)))
    }

    /// A Server-Sent Events stream (text/event-stream, not cached).
    public static func eventStream(_ producer: @escaping @Sendable (EventStreamWriter) async throws -> Void) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"],
            body: .stream { writer in try await producer(EventStreamWriter(writer: writer)) })
    }
}

/// Handles one request.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

/// Wraps handlers: runs code before and after the next responder.
public protocol HTTPMiddleware: Sendable {
    /// Handles `request`, usually by calling `next`.
    func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse
}

