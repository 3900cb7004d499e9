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
