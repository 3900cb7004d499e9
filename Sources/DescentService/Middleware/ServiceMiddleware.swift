import DescentHTTP
import Logging

/// The outermost middleware: sets the request id, maps every thrown error to its response (the service's
/// one error site, see `ServiceError.mapping`), then counts the final status in the metrics and writes the
/// access-log line. Doing this in one place means the metrics see exactly what the client gets, errors
/// included, and a request pays for one middleware hop instead of four. Synchronous routes get the same.
struct RequestObserverMiddleware: HTTPSynchronousMiddleware {
    let metrics: ServiceMetrics
    let logger: Logger

    func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        let (request, start) = begin(request)
        let response: HTTPResponse
        do { response = try await next(request) } catch {
            response = ServiceError.response(for: error, request: request, logger: logger)
        }
        return finish(response, request, since: start)
    }

    func handleSynchronously(_ request: HTTPRequest, next: HTTPSynchronousHandler) throws -> HTTPResponse {
        let (request, start) = begin(request)
        let response: HTTPResponse
        do { response = try next(request) } catch {
            response = ServiceError.response(for: error, request: request, logger: logger)
        }
        return finish(response, request, since: start)
    }

    /// The request with its id set, and the time it started.
    private func begin(_ request: HTTPRequest) -> (HTTPRequest, ContinuousClock.Instant) {
        var request = request
        request.requestID = RequestIDMiddleware.requestID(for: request)
        return (request, ContinuousClock.now)
    }

    /// The response with the request id, counted in the metrics and logged.
    private func finish(_ response: HTTPResponse, _ request: HTTPRequest, since start: ContinuousClock.Instant) -> HTTPResponse {
        var response = response
        response.headers["X-Request-Id"] = request.requestID
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        metrics.recordRequest(route: request.route, status: response.status, seconds: seconds)
        if logger.logLevel <= .info {
            logger.info("request", metadata: [
                "method": .string(request.method.rawValue), "path": .string(request.path), "status": .stringConvertible(response.status),
                "duration_ms": .stringConvertible((seconds * 1e6).rounded() / 1000), "request_id": .string(request.requestID),
                "remote": .string(request.remoteAddress),
            ])
        }
        return response
    }
}

/// Requires `Authorization: Bearer <token>` on mutating requests when a token is configured.
struct AuthMiddleware: HTTPSynchronousMiddleware {
    let token: String?
    func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        try check(request)
        return try await next(request)
    }

    func handleSynchronously(_ request: HTTPRequest, next: HTTPSynchronousHandler) throws -> HTTPResponse {
        try check(request)
        return try next(request)
    }

    /// Throws `unauthorized` when a token is configured, the request mutates, and it lacks the token.
    private func check(_ request: HTTPRequest) throws(ServiceError) {
        guard let token, ![HTTPMethod.get, .head, .options].contains(request.method) else { return }
        let given = request.headers["Authorization"] ?? ""
        guard given == "Bearer \(token)" else { throw .unauthorized }
    }
}
