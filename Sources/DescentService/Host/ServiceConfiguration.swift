import DescentCore
import DescentHTTP
import Foundation
import Yams

/// Every setting of `descent serve`, with its default. Precedence: defaults < config file <
/// environment (`DESCENT_*`) < command-line flags. `config/descent.yaml` documents each one.
public struct ServiceConfiguration: Sendable, Equatable {
    /// Address to listen on. Default "127.0.0.1" (the container image uses "0.0.0.0").
    public var host = "127.0.0.1"
    /// Port; 0 picks a free one. Default 8080.
    public var port = 8080
    /// Folder of the SQLite store. Default "./descent-data".
    public var dataDir = "./descent-data"
    /// Which store: "" (SQLite in `dataDir`), "sqlite:PATH", or "postgres://user@host:port/db" for many
    /// instances on one PostgreSQL database. Default "".
    public var storeURL = ""
    /// Most connections to PostgreSQL per instance. Default 10.
    public var storePoolSize = 10
    /// Seconds a job's lease lasts without renewal; a dead instance's jobs are taken over after it. Default 15.
    public var leaseSeconds = 15
    /// Worker threads; 0 means one per core. Default 0.
    public var workers = 0
    /// Most queued experiments (429 past it). Default 1024.
    public var queueCapacity = 1024
    /// Bearer token for mutating requests; empty disables auth. Default "".
    public var authToken = ""
    /// Largest request body, bytes. Default 8 MiB (inline datasets can be large).
    public var maxBodyBytes = 8 << 20
    /// Most open connections. Default 4096.
    public var maxConnections = 4096
    /// Event-loop threads of the HTTP server; 0 = one per two cores, at least one. Default 0.
    public var eventLoops = 0
    /// Threads of the compute pool that runs the long analysis and plot handlers; 0 = one per core. Default 0.
    public var computeThreads = 0
    /// Most analysis or plot requests waiting for a compute thread; one more gets 503 `busy`. Default 64.
    public var computeQueueLimit = 64
    /// Seconds from a request's first byte until its head is complete (408 past it). Default 10.
    public var headerTimeoutSeconds = 10
    /// Seconds from the end of a request's head until its body is complete (408 past it). Default 10.
    public var bodyTimeoutSeconds = 10
    /// Seconds a kept-alive connection may wait for its next request. Default 60.
    public var idleTimeoutSeconds = 60
    /// Seconds a response may wait for the client to read it before the connection is closed. Default 30.
    public var writeTimeoutSeconds = 30
    /// Seconds to finish in-flight requests on shutdown. Default 10.
    public var shutdownGraceSeconds = 10
    /// Most steps per experiment. Default 10,000,000.
    public var maxSteps = 10_000_000
    /// Most parameters per objective. Default 100,000.
    public var maxParameters = 100_000
    /// Most dataset rows. Default 100,000.
    public var maxDatasetRows = 100_000
    /// Most stored trajectory rows per experiment. Default 2,000,000.
    public var maxTrajectoryPoints = 2_000_000
    /// Log level: trace, debug, info, notice, warning, error, critical. Default "info".
    public var logLevel = "info"

    /// The defaults.
    public init() {}

    /// A setting's value was rejected: names the setting, where the value came from, and what is allowed.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        /// Which setting, from which source, and why.
        public let description: String
        /// An error with this message.
        public init(description: String) { self.description = description }
    }

    /// What values a setting takes.
    public enum Kind: Sendable {
        /// An integer in this range (inclusive).
        case integer(ClosedRange<Int>)
        /// Any text.
        case text
        /// One of these words.
        case choice([String])
        /// A store URL: empty, `sqlite:PATH`, or `postgres://…`.
        case storeURL
    }

    /// One setting: its config-file path, environment variable, flag (if any) and allowed values.
    /// Every source — file, environment, flag — is checked against this one table.
    public struct Setting: Sendable {
        /// Path in the YAML file ("server.port").
        public let path: String
        /// Environment variable ("DESCENT_PORT").
        public let environment: String
        /// Flag of `descent serve` ("--port"), or nil when there is none.
        public let flag: String?
        /// Allowed values.
        public let kind: Kind
        fileprivate let assign: @Sendable (inout ServiceConfiguration, String, Int) -> Void
    }

    private static func int(_ path: String, _ env: String, _ flag: String?, _ range: ClosedRange<Int>,
                            _ key: WritableKeyPath<ServiceConfiguration, Int> & Sendable) -> Setting {
        Setting(path: path, environment: env, flag: flag, kind: .integer(range)) { c, _, n in c[keyPath: key] = n }
    }

    private static func text(_ path: String, _ env: String, _ flag: String?,
                             _ key: WritableKeyPath<ServiceConfiguration, String> & Sendable, kind: Kind = .text) -> Setting {
        Setting(path: path, environment: env, flag: flag, kind: kind) { c, t, _ in c[keyPath: key] = t }
    }

    /// The log levels `log.level` accepts (swift-log's).
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Every setting, in the order of config/descent.yaml.
    public static let settings: [Setting] = [
        text("server.host", "DESCENT_HOST", "--host", \.host),
        int("server.port", "DESCENT_PORT", "--port", 0...65535, \.port),
        int("server.max_body_bytes", "DESCENT_MAX_BODY_BYTES", nil, 1024...(1 << 30), \.maxBodyBytes),
        int("server.max_connections", "DESCENT_MAX_CONNECTIONS", nil, 1...1_000_000, \.maxConnections),
        int("server.event_loops", "DESCENT_EVENT_LOOPS", nil, 0...256, \.eventLoops),
        int("server.compute_threads", "DESCENT_COMPUTE_THREADS", nil, 0...1024, \.computeThreads),
        int("server.compute_queue_limit", "DESCENT_COMPUTE_QUEUE_LIMIT", nil, 0...100_000, \.computeQueueLimit),
        int("server.header_timeout_seconds", "DESCENT_HEADER_TIMEOUT_SECONDS", nil, 1...3600, \.headerTimeoutSeconds),
        int("server.body_timeout_seconds", "DESCENT_BODY_TIMEOUT_SECONDS", nil, 1...3600, \.bodyTimeoutSeconds),
        int("server.idle_timeout_seconds", "DESCENT_IDLE_TIMEOUT_SECONDS", nil, 1...86400, \.idleTimeoutSeconds),
        int("server.write_timeout_seconds", "DESCENT_WRITE_TIMEOUT_SECONDS", nil, 1...3600, \.writeTimeoutSeconds),
        int("server.shutdown_grace_seconds", "DESCENT_SHUTDOWN_GRACE_SECONDS", nil, 0...3600, \.shutdownGraceSeconds),
        text("store.data_dir", "DESCENT_DATA_DIR", "--data-dir", \.dataDir),
        text("store.url", "DESCENT_STORE_URL", "--store-url", \.storeURL, kind: .storeURL),
        int("store.pool_size", "DESCENT_STORE_POOL_SIZE", nil, 1...1000, \.storePoolSize),
        int("jobs.workers", "DESCENT_WORKERS", "--workers", 0...1024, \.workers),
        int("jobs.queue_capacity", "DESCENT_QUEUE_CAPACITY", "--queue-capacity", 1...10_000_000, \.queueCapacity),
        int("jobs.lease_seconds", "DESCENT_LEASE_SECONDS", "--lease-seconds", 1...3600, \.leaseSeconds),
        text("auth.token", "DESCENT_AUTH_TOKEN", "--auth-token", \.authToken),
        int("limits.max_steps", "DESCENT_MAX_STEPS", nil, 1...1_000_000_000, \.maxSteps),
        int("limits.max_parameters", "DESCENT_MAX_PARAMETERS", nil, 1...100_000_000, \.maxParameters),
        int("limits.max_dataset_rows", "DESCENT_MAX_DATASET_ROWS", nil, 1...100_000_000, \.maxDatasetRows),
        int("limits.max_trajectory_points", "DESCENT_MAX_TRAJECTORY_POINTS", nil, 1...1_000_000_000, \.maxTrajectoryPoints),
        text("log.level", "DESCENT_LOG_LEVEL", "--log-level", \.logLevel, kind: .choice(logLevels)),
    ]

    /// Applies a YAML config file (nested sections as in config/descent.yaml); unknown keys are errors.
    /// - Parameter source: how errors name the file ("config file descent.yaml"). Default "config".
    public mutating func apply(yaml text: String, source: String = "config") throws {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch { throw Invalid(description: "\(source): not valid YAML: \(error)") }
        guard let root else { return }
        guard let sections = root as? [String: Any] else { throw Invalid(description: "\(source): the top level must be a mapping") }
        for (section, value) in sections.sorted(by: { $0.key < $1.key }) {
            guard let members = value as? [String: Any] else { throw Invalid(description: "\(source): '\(section)' must be a mapping") }
            for (key, v) in members.sorted(by: { $0.key < $1.key }) {
                let path = "\(section).\(key)"
                guard let setting = Self.settings.first(where: { $0.path == path }) else {
                    throw Invalid(description: "\(source): unknown setting '\(path)'")
                }
                try set(setting, to: "\(v)", source: "\(path) in \(source)")
            }
        }
    }

    /// Applies `DESCENT_*` environment variables.
    public mutating func apply(environment: [String: String]) throws {
        for setting in Self.settings {
            if let v = environment[setting.environment] { try set(setting, to: v, source: "\(setting.environment) (\(setting.path))") }
        }
    }

    /// Applies command-line flags given as text, keyed by flag ("--port": "8081"); unknown flags are errors.
    public mutating func apply(flags: [(flag: String, value: String)]) throws {
        for (flag, value) in flags {
            guard let setting = Self.settings.first(where: { $0.flag == flag }) else { throw Invalid(description: "unknown flag \(flag)") }
            try set(setting, to: value, source: "\(flag) (\(setting.path))")
        }
    }

    /// Sets one setting by its config path ("store.url"), checked like every other source; errors
    /// name `source` (a flag, say) when given.
    public mutating func apply(setting path: String, value: String, source: String? = nil) throws {
        guard let setting = Self.settings.first(where: { $0.path == path }) else { throw Invalid(description: "unknown setting '\(path)'") }
        try set(setting, to: value, source: source ?? path)
    }

    private mutating func set(_ setting: Setting, to text: String, source: String) throws {
        switch setting.kind {
        case .integer(let range):
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
                throw Invalid(description: "\(source): '\(text)' must be an integer in [\(range.lowerBound), \(range.upperBound)]")
            }
            setting.assign(&self, text, n)
        case .text:
            setting.assign(&self, text, 0)
        case .choice(let words):
            guard words.contains(text) else {
                throw Invalid(description: "\(source): '\(text)' must be one of \(words.joined(separator: ", "))")
            }
            setting.assign(&self, text, 0)
        case .storeURL:
            guard Self.backend(of: text) != nil else {
                throw Invalid(description: "\(source): '\(text)' must be empty, sqlite:PATH or postgres://user@host:port/database")
            }
            setting.assign(&self, text, 0)
        }
    }

    /// The spec limits these settings imply.
    public var specLimits: SpecLimits {
        SpecLimits(maxSteps: maxSteps, maxParameters: maxParameters, maxDatasetRows: maxDatasetRows, maxTrajectoryPoints: maxTrajectoryPoints)
    }

    /// The HTTP server settings these settings imply.
    public var serverConfiguration: ServerConfiguration {
        var c = ServerConfiguration()
        c.host = host
        c.port = port
        c.maxConnections = maxConnections
        c.eventLoops = eventLoops
        c.limits.maxBodyBytes = maxBodyBytes
        c.timeouts.headerRead = .seconds(headerTimeoutSeconds)
        c.timeouts.bodyRead = .seconds(bodyTimeoutSeconds)
        c.timeouts.idle = .seconds(idleTimeoutSeconds)
        c.timeouts.write = .seconds(writeTimeoutSeconds)
        return c
    }

    /// The store backends.
    public enum Backend: Sendable, Equatable {
        /// Embedded SQLite at this file path.
        case sqlite(path: String)
        /// PostgreSQL at this URL.
        case postgres(url: String)
    }

    private static func backend(of url: String, dataDir: String = "") -> Backend? {
        if url.isEmpty { return .sqlite(path: (dataDir as NSString).appendingPathComponent("descent.sqlite")) }
        if url.hasPrefix("sqlite:"), url.count > 7 { return .sqlite(path: String(url.dropFirst(7))) }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return .postgres(url: url) }
        return nil
    }

    /// The store `storeURL` names (SQLite in `dataDir` when empty).
    public var backend: Backend { Self.backend(of: storeURL, dataDir: dataDir) ?? .sqlite(path: dataDir + "/descent.sqlite") }

    /// Worker count with 0 resolved to the number of cores.
    public var resolvedWorkers: Int { workers > 0 ? workers : ProcessInfo.processInfo.activeProcessorCount }
}
