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

/// Middleware that can also wrap synchronous handlers (`Router.onSynchronous`), doing the same work
/// around them as `handle` does around asynchronous ones.
///
/// A router answers a synchronous route on the event loop only when every middleware it uses conforms;
/// otherwise the route runs in a task through the asynchronous chain, so middleware always applies.
public protocol HTTPSynchronousMiddleware: HTTPMiddleware {
    /// Handles `request` synchronously, usually by calling `next`; must not block.
    func handleSynchronously(_ request: HTTPRequest, next: HTTPSynchronousHandler) throws -> HTTPResponse
}
