/// Handles one request.
///
/// The server starts it on the connection's event-loop thread (`Task.immediate`) and it runs there until
/// its first real suspension, so a handler that answers at once costs no thread hop. While it computes
/// without suspending, the other connections of that loop wait: work longer than about a millisecond
/// (large computations, blocking calls) belongs on another executor, awaited from the handler.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

/// Wraps handlers: runs code before and after the next responder.
public protocol HTTPMiddleware: Sendable {
    /// Handles `request`, usually by calling `next`.
    func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse
}
