import DescentCore
import DescentHTTP
import Foundation
import Logging

/// Builds the HTTP API: routes, middleware and the one mapping from errors to responses
/// (`ServiceError` conforms to `HTTPResponseError`; anything else is a bare 500 in DescentHTTP).
public struct ServiceAPI: Sendable {
    /// The runner behind the handlers.
    public let runner: ExperimentRunner
    /// Bearer token required for mutating requests, if set.
    public let authToken: String?
    private let logger: Logger

    /// An API over `runner`.
    public init(runner: ExperimentRunner, authToken: String?, logger: Logger) {
        self.runner = runner
        self.authToken = authToken?.isEmpty == false ? authToken : nil
        self.logger = logger
    }

    /// Threads for handlers, which block on store calls (shared by every router in the process).
    static let ioExecutor = BlockingExecutor(threads: 16)

    /// The router with every route and middleware.
    public func makeRouter() -> Router {
        let experiments = ExperimentHandlers(runner: runner)
        let trajectories = TrajectoryHandlers(experiments: experiments)
        let studies = StudyHandlers(experiments: experiments)
        let analysis = AnalysisHandlers(limits: runner.limits)
        let runner = self.runner
        var r = Router()
        r.use(RequestIDMiddleware())
        r.use(MetricsMiddleware(metrics: runner.metrics))
        r.use(AccessLogMiddleware(logger: logger))
        r.use(AuthMiddleware(token: authToken))
        r.use(BlockingIOMiddleware(executor: Self.ioExecutor))

        r.on(.post, "/v1/experiments", experiments.create)
        r.on(.post, "/v1/experiments/batch", BatchSubmission(experiments: experiments).create)
        r.on(.get, "/v1/experiments", experiments.list)
        r.on(.get, "/v1/experiments/:id", experiments.get)
        r.on(.delete, "/v1/experiments/:id", experiments.delete)
        r.on(.post, "/v1/experiments/:id/cancel", experiments.cancel)
        r.on(.get, "/v1/experiments/:id/trajectory", trajectories.trajectory)
        r.on(.get, "/v1/experiments/:id/events", trajectories.events)
        r.on(.post, "/v1/studies", studies.create)
        r.on(.get, "/v1/studies/:id", studies.get)
        r.on(.get, "/v1/presets", studies.presets)
        r.on(.post, "/v1/presets/:name/run", studies.runPreset)
        r.on(.post, "/v1/analysis/critical-point", analysis.criticalPoint)
        r.on(.post, "/v1/analysis/surface", analysis.surface)
        r.on(.get, "/v1/catalog") { _ in .json(try JSONCoding.encode(Catalog.document)) }
        r.on(.get, "/healthz") { _ in .json(Array(#"{"status":"ok"}"#.utf8)) }
        r.on(.get, "/readyz") { _ in
            let storeOK = runner.store.isWritable()
            let ready = storeOK && runner.isRunning
            let body = #"{"status":"\#(ready ? "ready" : "not_ready")","store":\#(storeOK),"workers":\#(runner.isRunning)}"#
            return .json(Array(body.utf8), status: ready ? 200 : 503)
        }
        r.on(.get, "/metrics") { _ in .text(runner.metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8") }
        r.on(.get, "/openapi.yaml") { _ in .text(OpenAPIDocument.yaml, contentType: "application/yaml") }
        // dashboard routes
        Dashboard.register(on: &r, runner: runner)
        return r
    }
}

/// Requires `Authorization: Bearer <token>` on mutating requests when a token is configured.
struct AuthMiddleware: HTTPMiddleware {
    let token: String?
    func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        guard let token, ![HTTPMethod.get, .head, .options].contains(request.method) else { return try await next(request) }
        let given = request.headers["Authorization"] ?? ""
        guard given == "Bearer \(token)" else { throw ServiceError.unauthorized }
        return try await next(request)
    }
}

/// Counts requests by route and status and observes their latency.
struct MetricsMiddleware: HTTPMiddleware {
    let metrics: ServiceMetrics
    func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        let start = ContinuousClock.now
        let response: HTTPResponse
        do { response = try await next(request) } catch let e as any HTTPResponseError {
            record(request, status: e.status, start: start)
            throw e
        }
        record(request, status: response.status, start: start)
        return response
    }

    private func record(_ request: HTTPRequest, status: Int, start: ContinuousClock.Instant) {
        let route = Self.route(request.path)
        let d = ContinuousClock.now - start
        metrics.requests.increment(label: "\(route)|\(status)")
        metrics.latency.observe(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18, label: route)
    }

    /// The path with identifiers replaced by placeholders, so label counts stay bounded.
    static func route(_ path: String) -> String {
        let parts = path.split(separator: "/").map { part -> String in
            if part.hasPrefix("exp_") { return ":id" }
            if part.hasPrefix("std_") { return ":id" }
            return String(part)
        }
        let known: Set<String> = ["v1", "experiments", "studies", "presets", "analysis", "critical-point", "surface", "catalog",
                                  "batch", "healthz", "readyz", "metrics", "openapi.yaml", "trajectory", "events", "cancel", "run", ":id", "plot.svg"]
        if parts.count > 1, parts[0] == "v1", parts[1] == "presets", parts.count > 2 { return "/v1/presets/:name" + (parts.count > 3 ? "/run" : "") }
        return "/" + parts.map { known.contains($0) ? $0 : "_" }.joined(separator: "/")
    }
}
