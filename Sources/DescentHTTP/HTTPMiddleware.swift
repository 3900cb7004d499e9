/// Handles one request.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

/// Wraps handlers: runs code before and after the next responder.
public protocol HTTPMiddleware: Sendable {
    /// Handles `request`, usually by calling `next`.
    func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse
}
