import DescentCore
import DescentHTTP
import Foundation
import Logging

/// Builds the HTTP API: routes and middleware. Errors are mapped to `ServiceError` in one place
/// (`ServiceError.mapping`, called by `RequestObserverMiddleware`) and rendered by DescentHTTP.
public struct ServiceAPI: Sendable {
    /// The runner behind the handlers.
    public let runner: ExperimentRunner
    /// Bearer token required for mutating requests, if set.
    public let authToken: String?
    /// Threads for the handlers that compute for long without suspending (`computeRoutes`).
    public let computePool: BlockingPool
    private let logger: Logger

    /// An API over `runner`, running its long computations on `computePool` (default: the process's shared
    /// pool of one thread per core, at most 64 waiting).
    public init(runner: ExperimentRunner, authToken: String?, computePool: BlockingPool = ServiceAPI.sharedComputePool,
                logger: Logger) {
        self.runner = runner
        self.authToken = authToken?.isEmpty == false ? authToken : nil
        self.computePool = computePool
        self.logger = logger
    }

    /// Threads for handlers over a network store (PostgreSQL), whose calls wait on round trips: 16, so a
    /// few slow queries leave room for the rest (shared by every router in the process).
    static let networkIOExecutor = BlockingExecutor(threads: 16)
    /// Threads for handlers over the embedded SQLite store, whose calls are short and use the CPU: two per
    /// core (at least 4). More only contend for GRDB's reader pool and queues: on the 2-core machine,
    /// 16 → 4 threads raised GET /v1/experiments/{id} by about a fifth and the list by about half.
    static let localIOExecutor = BlockingExecutor(threads: max(4, 2 * ProcessInfo.processInfo.activeProcessorCount),
                                                  name: "descent-sqlite-io")

    /// The executor for this API's handlers.
    private var ioExecutor: BlockingExecutor { runner.store is SQLiteStore ? Self.localIOExecutor : Self.networkIOExecutor }

    /// A pool for the handlers that compute for long without suspending — Hessian spectra, landscapes,
    /// surfaces, critical points, server-drawn plots (up to tens of seconds within `AnalysisLimits`):
    /// `threads` threads (0 = one per core), at most `queueLimit` waiting, past which such a request gets 503
    /// `busy`. On an event loop they would hold every other connection of the loop (a health check among
    /// them); on `ioExecutor` they would hold the threads that store calls need. `descent serve` sizes it
    /// from `server.compute_threads` and `server.compute_queue_limit`.
    public static func makeComputePool(threads: Int, queueLimit: Int) -> BlockingPool {
        BlockingPool(threads: threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount, queueLimit: queueLimit,
                     name: "descent-compute")
    }

    /// The default compute pool (one thread per core, at most 64 waiting), shared by the APIs made without one.
    public static let sharedComputePool = makeComputePool(threads: 0, queueLimit: 64)

    /// Routes whose handlers run on `computePool` (including their store calls). They are also the asynchronous
    /// routes that run where the request arrived, without the hop to `ioExecutor` and back, since they hand their
    /// whole work to `computePool`; every other asynchronous route hops, the safe default. Routes that make no store
    /// call nor any other blocking call and answer in microseconds (`/healthz`, `/metrics`, `/openapi.yaml`, the
    /// catalog, the presets, the dashboard's static files) are synchronous routes instead: answered on the event loop
    /// without a task.
    static let computeRoutes: Set<String> = [
        "/v1/analysis/critical-point", "/v1/analysis/surface", "/v1/analysis/landscape", "/v1/analysis/landscape.svg",
        "/v1/analysis/batch-cost", "/v1/analysis/batch-cost.svg",
        "/v1/experiments/:id/analysis", "/v1/experiments/:id/plot.svg", "/v1/studies/:id/plot.svg", "/v1/studies/:id/leaderboard.svg",
    ]

    /// The router with every route and middleware.
    public func makeRouter() -> Router { makeRoutes().router }

    /// Every route with the query parameters it accepts (any other is a 400), and the middleware.
    func makeRoutes() -> RouteTable {
        let experiments = ExperimentHandlers(runner: runner)
        let trajectories = TrajectoryHandlers(experiments: experiments)
        let analysis = AnalysisHandlers(limits: runner.limits)
        let runner = self.runner
        let driver = StudyDriver(store: runner.store, check: { try experiments.check($0) }, announceWork: runner.announceWork,
                                 handoff: runner.studyHandoff, isRunning: { runner.isRunning }, logger: logger)
        runner.hub.onStoredEnd { [weak driver] id, end in driver?.stored(id, end) }
        runner.hub.onEnd { [weak driver] id in driver?.ended(id) }
        runner.onStop { [weak driver] in driver?.stop() }
        driver.start()
        let batchCost = BatchCostHandlers(specLimits: runner.limits, limits: .standard)
        let studies = StudyHandlers(experiments: experiments, driver: driver, batchCost: batchCost, computePool: computePool)
        var r = RouteTable()
        r.use(RequestObserverMiddleware(metrics: runner.metrics, logger: logger))
        r.use(AuthMiddleware(token: authToken))
        r.use(BlockingIOMiddleware(executor: ioExecutor, nonBlockingRoutes: Self.computeRoutes))

        r.on(.post, "/v1/experiments", experiments.create)
        r.on(.post, "/v1/experiments/batch", BatchSubmission(experiments: experiments).create)
        r.on(.get, "/v1/experiments", query: ["status", "tag", "objective", "optimizer", "filter", "sort", "limit", "cursor"], experiments.list)
        r.on(.get, "/v1/experiments/:id", experiments.get)
        r.on(.delete, "/v1/experiments/:id", experiments.delete)
        r.on("PATCH", "/v1/experiments/:id", experiments.annotate)
        r.on(.post, "/v1/experiments/:id/cancel", experiments.cancel)
        r.on(.get, "/v1/experiments/:id/trajectory", query: ["from", "to", "fields", "every", "max_points", "shape"], trajectories.trajectory)
        r.on(.get, "/v1/experiments/:id/events", trajectories.events)
        r.on(.post, "/v1/studies", studies.create)
        r.on(.get, "/v1/studies", query: ["name", "kind", "state", "limit", "cursor"], StudyListing(store: runner.store).list)
        r.on(.get, "/v1/studies/:id", studies.get)
        r.on(.get, "/v1/studies/:id/trials.csv", StudyTrialExport(store: runner.store).csv)
        r.on(.get, "/v1/studies/:id/trials/:number/curves", query: ["max_points"], StudyTrialCurves(store: runner.store).curves)
        let presetList = Result { try StudyHandlers.presetList() }
        r.onSynchronous(.get, "/v1/presets") { _ in .json(try presetList.get()) }
        r.on(.post, "/v1/presets/:name/run", studies.runPreset)
        r.on(.post, "/v1/analysis/critical-point", computePool.handler(analysis.criticalPoint))
        r.on(.post, "/v1/analysis/surface", computePool.handler(analysis.surface))
        r.on(.post, "/v1/experiments/:id/analysis",
             computePool.handler(ExperimentAnalysisHandlers(experiments: experiments, limits: .standard).analyze))
        let landscape = LandscapeHandlers(experiments: experiments, analysis: analysis, limits: .standard)
        r.on(.post, "/v1/analysis/landscape", query: [], computePool.handler(landscape.json))
        r.on(.post, "/v1/analysis/landscape.svg", query: [], computePool.handler(landscape.svg))
        r.on(.post, "/v1/analysis/batch-cost", computePool.handler(batchCost.handler(.json)))
        r.on(.post, "/v1/analysis/batch-cost.svg", computePool.handler(batchCost.handler(.svg)))
        // Bodies that are the same for every request are built once, here.
        let catalog = Result { try JSONCoding.encode(Catalog.document(limits: runner.limits)) }
        r.onSynchronous(.get, "/v1/catalog") { _ in .json(try catalog.get()) }
        let healthy = Array(#"{"status":"ok"}"#.utf8)
        r.onSynchronous(.get, "/healthz") { _ in .json(healthy) }
        r.on(.get, "/readyz") { _ in
            let storeOK = runner.store.isWritable()
            let ready = storeOK && runner.isRunning
            let body = #"{"status":"\#(ready ? "ready" : "not_ready")","store":\#(storeOK),"workers":\#(runner.isRunning)}"#
            return .json(Array(body.utf8), status: ready ? 200 : 503)
        }
        r.onSynchronous(.get, "/metrics") { _ in
            .text(runner.metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        let openAPI = Array(OpenAPIDocument.yaml.utf8)
        r.onSynchronous(.get, "/openapi.yaml") { _ in
            HTTPResponse(headers: ["Content-Type": "application/yaml"], body: .bytes(openAPI))
        }
        // dashboard routes
        Dashboard.register(on: &r, runner: runner, computePool: computePool)
        return r
    }
}

