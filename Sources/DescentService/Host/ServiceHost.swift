import DescentHTTP
import Foundation
import Logging

/// Wires the store, the runner and the HTTP server together; starts and stops them in order.
public final class ServiceHost: Sendable {
    /// The settings in use.
    public let settings: ServiceConfiguration
    /// The runner (store + queue + workers).
    public let runner: ExperimentRunner
    private let server: HTTPServer
    /// The threads of the compute routes; ended by `stop`.
    private let computePool: BlockingPool
    private let logger: Logger

    /// Opens the store `settings` name (SQLite in `dataDir` by default, creating it; or PostgreSQL, applying
    /// migrations) and prepares the runner and server.
    public init(settings: ServiceConfiguration, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        let store: any Store
        let coordination: any Coordination
        let soleUser: Bool  // only then may running experiments be re-queued at start
        switch settings.backend {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
            store = try SQLiteStore(path: path)
            coordination = LocalCoordination()
            soleUser = true
        case .postgres(let url):
            let pg = try PostgresStore(url: url, poolSize: settings.storePoolSize)
            store = pg
            coordination = PostgresCoordination(store: pg, logger: logger)
            soleUser = false
        }
        runner = ExperimentRunner(store: store, coordination: coordination, workers: settings.resolvedWorkers,
                                  queueCapacity: settings.queueCapacity, leaseSeconds: Double(settings.leaseSeconds),
                                  recoverAtStart: soleUser, limits: settings.specLimits, metrics: ServiceMetrics(), logger: logger)
        computePool = ServiceAPI.makeComputePool(threads: settings.computeThreads, queueLimit: settings.computeQueueLimit)
        let api = ServiceAPI(runner: runner, authToken: settings.authToken, computePool: computePool, logger: logger)
        server = HTTPServer(configuration: settings.serverConfiguration, responder: api.makeRouter().makeResponder(), logger: logger)
    }

    /// Recovers unfinished work, starts the workers, then listens; returns the bound port.
    public func start() throws -> Int {
        try runner.start()
        return try server.start()
    }

    /// Stops accepting, finishes in-flight requests, re-queues running experiments, closes the store.
    public func stop() async {
        let grace = Duration.seconds(settings.shutdownGraceSeconds)
        async let http: Void = server.shutdown(gracePeriod: grace)
        runner.stop(timeout: grace)
        runner.hub.finishAll()  // open event streams end with their final chunk, not a reset
        await http
        computePool.shutdown()
        do { try runner.store.close() } catch { logger.error("could not close the store", metadata: ["error": "\(error)"]) }
        logger.info("stopped")
    }
}
