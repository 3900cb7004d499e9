import Foundation
import Logging

/// Passes `X-Request-Id` through (or generates one) and echoes it on the response.
public struct RequestIDMiddleware: HTTPMiddleware {
    /// Creates the middleware.
    public init() {}
    public func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        var request = request
        if let given = request.headers["X-Request-Id"], !given.isEmpty, given.utf8.count <= 200 {
            request.requestID = given
        } else {
            request.requestID = UUID().uuidString.lowercased()
        }
        var response = try await next(request)
        response.headers["X-Request-Id"] = request.requestID
        return response
    }
}

/// Logs one structured line per request: method, path, status, duration, request id.
public struct AccessLogMiddleware: HTTPMiddleware {
    private let logger: Logger
    /// Creates the middleware logging to `logger` at `.info`.
    public init(logger: Logger) { self.logger = logger }
    public func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        let start = ContinuousClock.now
        let response: HTTPResponse
        do { response = try await next(request) } catch { response = ErrorResponse.from(error) }
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15
        logger.info("request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.path)", "status": "\(response.status)",
            "duration_ms": "\((ms * 1000).rounded() / 1000)", "request_id": "\(request.requestID)",
            "remote": "\(request.remoteAddress)",
        ])
        return response
    }
}
