/// Handles one request synchronously, on the connection's event-loop thread, with no task.
///
/// For cheap handlers that never block and never compute for long (a health check, an echo, a static
/// document): the loop's other connections wait while it runs. Anything that may block (a store call, a
/// file read, a lock held by slow work) or take more than a few microseconds belongs in an `HTTPHandler`.
public typealias HTTPSynchronousHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// What the server calls for each request: it answers at once when it can, or hands back the asynchronous
/// handler to run in a task.
///
/// A `Router` makes one with `makeResponder()`: routes added with `onSynchronous` answer at once when every
/// middleware can run synchronously (`HTTPSynchronousMiddleware`); every other request is deferred. A
/// request answered at once costs no task (allocating and starting one was 7 of the 9 allocations of a
/// `GET /healthz`), and its response is encoded on the loop straight away.
public struct HTTPResponder: Sendable {
    /// The outcome of offering a request.
    public enum Answer: Sendable {
        /// The response, ready now (errors already mapped).
        case response(HTTPResponse)
        /// Run `handler` with `request` (as routed: path parameters and route filled in) in a task; map what
        /// it throws with `ErrorResponse.from`.
        case deferred(HTTPRequest, HTTPHandler)
    }

    /// Offers a request; called on the connection's event loop.
    public let answer: @Sendable (HTTPRequest) -> Answer

    /// A responder that decides per request.
    public init(answer: @escaping @Sendable (HTTPRequest) -> Answer) { self.answer = answer }

    /// A responder that runs `handler` in a task for every request.
    public init(_ handler: @escaping HTTPHandler) { answer = { .deferred($0, handler) } }

    /// The response to `request`, answered at once or after awaiting the deferred handler; thrown errors are
    /// mapped with `ErrorResponse.from`.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        switch answer(request) {
        case .response(let response):
            return response
        case .deferred(let routed, let handler):
            do { return try await handler(routed) } catch { return ErrorResponse.from(error) }
        }
    }
}
