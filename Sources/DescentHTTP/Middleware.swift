import Foundation

/// Passes `X-Request-Id` through (or generates one) and echoes it on the response.
public struct RequestIDMiddleware: HTTPMiddleware {
    /// Creates the middleware.
    public init() {}
    public func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        var request = request
        request.requestID = Self.requestID(for: request)
        var response = try await next(request)
        response.headers["X-Request-Id"] = request.requestID
        return response
    }

    /// The request's own `X-Request-Id` when it is usable (1–200 bytes), else a fresh lowercase UUID.
    public static func requestID(for request: HTTPRequest) -> String {
        if let given = request.headers["X-Request-Id"], !given.isEmpty, given.utf8.count <= 200 { return given }
        return UUID().uuidString.lowercased()
    }
}
