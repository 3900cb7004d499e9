/// Routes requests by method and path pattern ("/v1/experiments/:id/trajectory") through middleware.
///
/// Build it, then call `makeHandler()` once: the result is immutable. Unknown paths give 404; a known
/// path with another method gives 405 with `Allow`; HEAD is served by GET routes.
public struct Router: Sendable {
    private struct Route: Sendable {
        let method: HTTPMethod
        let segments: [Segment]
        let handler: HTTPHandler
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case wildcard  // "*": the rest of the path
    }

    private var routes: [Route] = []
    private var middleware: [any HTTPMiddleware] = []

    /// An empty router.
    public init() {}

    /// Adds a route; pattern segments starting with ':' capture path parameters, a final '*' matches the rest.
    public mutating func on(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping HTTPHandler) {
        let segments: [Segment] = pattern.split(separator: "/").map { part in
            if part == "*" { return .wildcard }
            return part.hasPrefix(":") ? .parameter(String(part.dropFirst())) : .literal(String(part))
        }
        routes.append(Route(method: method, segments: segments, handler: handler))
    }

    /// Adds middleware; the first added runs outermost.
    public mutating func use(_ middleware: any HTTPMiddleware) { self.middleware.append(middleware) }

    /// The immutable handler: middleware chain around route dispatch, errors mapped to responses.
    public func makeHandler() -> HTTPHandler {
        let routes = self.routes
        let dispatch: HTTPHandler = { request in
            let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            var allowed: [String] = []
            for route in routes {
                guard let params = Router.match(route.segments, parts) else { continue }
                if route.method == request.method || (request.method == .head && route.method == .get) {
                    var request = request
                    request.pathParameters = params
                    return try await route.handler(request)
                }
                allowed.append(route.method.rawValue)
                if route.method == .get { allowed.append("HEAD") }
            }
            if allowed.isEmpty {
                return ErrorResponse.make(status: 404, code: "not_found", message: "no route for \(request.path)")
            }
            var unique: [String] = []
            for m in allowed where !unique.contains(m) { unique.append(m) }
            var response = ErrorResponse.make(
                status: 405, code: "method_not_allowed",
                message: "\(request.method.rawValue) is not allowed on \(request.path); allowed: \(unique.joined(separator: ", "))")
            response.headers["Allow"] = unique.joined(separator: ", ")
            return response
        }
        let chained = middleware.reversed().reduce(dispatch) { next, m in
            { request in try await m.handle(request, next: next) }
        }
        return { request in
            do { return try await chained(request) } catch { return ErrorResponse.from(error) }
        }
    }

    private static func match(_ segments: [Segment], _ parts: [String]) -> [String: String]? {
        var params: [String: String] = [:]
        for (i, segment) in segments.enumerated() {
            switch segment {
            case .wildcard:
                params["*"] = parts[i...].joined(separator: "/")
                return params
            case .literal(let s):
                guard i < parts.count, parts[i] == s else { return nil }
            case .parameter(let name):
                guard i < parts.count, !parts[i].isEmpty else { return nil }
                params[name] = parts[i]
            }
        }
        return segments.count == parts.count ? params : nil
    }
}

/// The one place where thrown errors become responses.
enum ErrorResponse {
    /// A JSON error response `{"error":{"code","message"}}`.
    static func make(status: Int, code: String, message: String) -> HTTPResponse {
        .json(body(code: code, message: message), status: status)
    }

    /// JSON error body bytes.
    static func body(code: String, message: String) -> [UInt8] {
        Array("{\"error\":{\"code\":\(jsonString(code)),\"message\":\(jsonString(message))}}".utf8)
    }

    /// Maps any thrown error: HTTPResponseError knows its response, anything else is a bare 500.
    static func from(_ error: any Error) -> HTTPResponse {
        if let e = error as? any HTTPResponseError {
            var response = HTTPResponse.json(e.responseBody(), status: e.status)
            for (name, value) in e.headers { response.headers[name] = value }
            return response
        }
        return make(status: 500, code: "internal", message: "internal server error")
    }
}

/// Encodes a string as a JSON string literal (RFC 8259 §7).
public func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
