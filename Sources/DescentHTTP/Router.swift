/// Routes requests by method and path pattern ("/v1/experiments/:id/trajectory") through middleware.
///
/// Build it, then call `makeResponder()` (for the server) or `makeHandler()` once: the result is immutable.
/// Unknown paths give 404; a known path with another method gives 405 with `Allow`; HEAD is served by GET
/// routes.
public struct Router: Sendable {
    private enum Handler: Sendable {
        case asynchronous(HTTPHandler)
        case synchronous(HTTPSynchronousHandler)
    }

    private struct Route: Sendable {
        let method: HTTPMethod
        let segments: [Segment]
        let pattern: String
        let handler: Handler
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case wildcard  // "*": the rest of the path
    }

    /// A route's handler with its middleware chain around it: to call now, or to run in a task.
    private enum Chain: Sendable {
        case now(HTTPSynchronousHandler)
        case deferred(HTTPHandler)
    }

    private var routes: [Route] = []
    private var middleware: [any HTTPMiddleware] = []

    /// An empty router.
    public init() {}

    /// Adds a route; pattern segments starting with ':' capture path parameters, a final '*' matches the rest.
    public mutating func on(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping HTTPHandler) {
        add(method, pattern, .asynchronous(handler))
    }

    /// Adds a route whose handler answers synchronously on the connection's event loop, without a task: for
    /// cheap handlers that never block (see `HTTPSynchronousHandler`). Patterns as in `on`. Middleware
    /// applies as to any route; when one of the middleware is not an `HTTPSynchronousMiddleware`, the handler
    /// runs in a task like an asynchronous one.
    public mutating func onSynchronous(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping HTTPSynchronousHandler) {
        add(method, pattern, .synchronous(handler))
    }

    private mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) {
        let segments: [Segment] = pattern.split(separator: "/").map { part in
            if part == "*" { return .wildcard }
            return part.hasPrefix(":") ? .parameter(String(part.dropFirst())) : .literal(String(part))
        }
        routes.append(Route(method: method, segments: segments, pattern: pattern, handler: handler))
    }

    /// Adds middleware; the first added runs outermost.
    public mutating func use(_ middleware: any HTTPMiddleware) { self.middleware.append(middleware) }

    /// The immutable handler: routes the request, then runs the middleware chain around the route's handler;
    /// errors are mapped to responses. Synchronous routes are called from it as well (no task of their own).
    public func makeHandler() -> HTTPHandler {
        let responder = makeResponder()
        return { request in await responder.respond(to: request) }
    }

    /// The immutable responder for the server: routes the request, then answers synchronous routes (and
    /// 404/405) at once when every middleware is synchronous, and defers the rest to their asynchronous
    /// chain. Each route's chain is built here once, so a request pays for matching and its own middleware
    /// only; middleware sees the matched pattern in `HTTPRequest.route`. Errors a synchronous chain throws
    /// are mapped with `ErrorResponse.from`, as the server does for deferred ones.
    public func makeResponder() -> HTTPResponder {
        let middleware = self.middleware
        let synchronousMiddleware = middleware.compactMap { $0 as? any HTTPSynchronousMiddleware }
        let allSynchronous = synchronousMiddleware.count == middleware.count
        func chained(_ handler: @escaping HTTPHandler) -> HTTPHandler {
            middleware.reversed().reduce(handler) { next, m in { request in try await m.handle(request, next: next) } }
        }
        func chained(_ handler: Handler) -> Chain {
            switch handler {
            case .asynchronous(let handler):
                return .deferred(chained(handler))
            case .synchronous(let handler) where allSynchronous:
                return .now(synchronousMiddleware.reversed().reduce(handler) { next, m in
                    { request in try m.handleSynchronously(request, next: next) }
                })
            case .synchronous(let handler):
                return .deferred(chained { request in try handler(request) })
            }
        }
        let routes = self.routes.map { route in
            (method: route.method, segments: route.segments, pattern: route.pattern, chain: chained(route.handler))
        }
        let notFound = chained(.synchronous { request in
            ErrorResponse.make(status: 404, code: "not_found", message: "no route for \(request.path)")
        })
        let notAllowed = chained(.synchronous { request in
            let allow = request.headers["Allow"] ?? ""
            var response = ErrorResponse.make(
                status: 405, code: "method_not_allowed",
                message: "\(request.method.rawValue) is not allowed on \(request.path); allowed: \(allow)")
            response.headers["Allow"] = allow
            return response
        })
        return HTTPResponder { request in
            var request = request
            let path = request.path
            var allowed: [String] = []
            var allowedPattern = ""
            var target = notFound
            for route in routes {
                guard let params = Router.match(route.segments, path) else { continue }
                if route.method == request.method || (request.method == .head && route.method == .get) {
                    request.pathParameters = params
                    request.route = route.pattern
                    target = route.chain
                    allowed = []
                    break
                }
                if allowed.isEmpty { allowedPattern = route.pattern }
                if !allowed.contains(route.method.rawValue) { allowed.append(route.method.rawValue) }
                if route.method == .get, !allowed.contains("HEAD") { allowed.append("HEAD") }
            }
            if !allowed.isEmpty {
                // The 405 responder reads the Allow list from the request it is given.
                request.route = allowedPattern
                request.headers["Allow"] = allowed.joined(separator: ", ")
                target = notAllowed
            }
            switch target {
            case .now(let handler):
                do { return .response(try handler(request)) } catch { return .response(ErrorResponse.from(error)) }
            case .deferred(let handler):
                return .deferred(request, handler)
            }
        }
    }

    /// Matches the non-empty segments of `path` (between slashes) against a route's, capturing its parameters.
    /// Reads the path in place: no array of its segments per request.
    private static func match(_ segments: [Segment], _ path: String) -> [String: String]? {
        var parts = PathParts(rest: Substring(path))
        var params: [String: String] = [:]
        for segment in segments {
            switch segment {
            case .wildcard:
                var rest: [Substring] = []
                while let part = parts.next() { rest.append(part) }
                params["*"] = rest.joined(separator: "/")
                return params
            case .literal(let s):
                guard let part = parts.next(), part == s else { return nil }
            case .parameter(let name):
                guard let part = parts.next() else { return nil }
                params[name] = String(part)
            }
        }
        return parts.next() == nil ? params : nil
    }

    /// The non-empty segments of a path, one at a time.
    private struct PathParts {
        var rest: Substring
        mutating func next() -> Substring? {
            let slash = UInt8(ascii: "/")
            guard let start = rest.utf8.firstIndex(where: { $0 != slash }) else { return nil }
            let end = rest.utf8[start...].firstIndex(of: slash) ?? rest.endIndex
            defer { rest = rest[end...] }
            return rest[start..<end]
        }
    }
}
