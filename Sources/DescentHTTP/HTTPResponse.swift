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
