import DescentHTTP

/// The service's routes, each declared with the query parameters it accepts; a request naming any other
/// query parameter is answered 400 `unknown_query_parameter` naming them, as unknown body keys are
/// rejected (a misspelt `?maxpoints=10` would otherwise be silently ignored).
struct RouteTable {
    /// One declared route.
    struct Declaration: Sendable, Equatable {
        /// Its method.
        var method: HTTPMethod
        /// Its path pattern, as given to the router ("/v1/experiments/:id/trajectory").
        var pattern: String
        /// The query parameters it accepts, in the order documented (empty: none).
        var query: [String]
    }

    /// The router the routes go into.
    private(set) var router = Router()
    /// Every route declared so far, in order (tests compare them with openapi.yaml).
    private(set) var declarations: [Declaration] = []

    /// Adds middleware to the router; the first added runs outermost.
    mutating func use(_ middleware: any HTTPMiddleware) { router.use(middleware) }

    /// Adds a route that accepts the query parameters `query` (default none) and rejects any other.
    mutating func on(_ method: HTTPMethod, _ pattern: String, query: [String] = [], _ handler: @escaping HTTPHandler) {
        declarations.append(Declaration(method: method, pattern: pattern, query: query))
        router.on(method, pattern) { request in
            try Self.rejectUnknownQueryParameters(request, accepted: query)
            return try await handler(request)
        }
    }

    /// Adds a synchronous route (`Router.onSynchronous`: answered on the event loop, without a task, so its
    /// handler must not block) that accepts the query parameters `query` (default none) and rejects any other.
    mutating func onSynchronous(_ method: HTTPMethod, _ pattern: String, query: [String] = [],
                                _ handler: @escaping HTTPSynchronousHandler) {
        declarations.append(Declaration(method: method, pattern: pattern, query: query))
        router.onSynchronous(method, pattern) { request in
            try Self.rejectUnknownQueryParameters(request, accepted: query)
            return try handler(request)
        }
    }

    /// Throws 400 naming every query parameter of `request` not in `accepted` (each once, in order).
    static func rejectUnknownQueryParameters(_ request: HTTPRequest, accepted: [String]) throws(ServiceError) {
        var unknown: [String] = []
        for (name, _) in request.query.items where !accepted.contains(name) && !unknown.contains(name) {
            unknown.append(name)
        }
        if !unknown.isEmpty { throw .unknownQueryParameters(unknown, accepted: accepted) }
    }
}
