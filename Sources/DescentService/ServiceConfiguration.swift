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

    /// Errors in a config file or environment variable.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        /// Which setting and why.
        public let description: String
    }

    private static let keys: [(yaml: String, env: String)] = [
        ("server.host", "DESCENT_HOST"), ("server.port", "DESCENT_PORT"), ("server.max_body_bytes", "DESCENT_MAX_BODY_BYTES"),
        ("server.max_connections", "DESCENT_MAX_CONNECTIONS"), ("server.shutdown_grace_seconds", "DESCENT_SHUTDOWN_GRACE_SECONDS"),
        ("store.data_dir", "DESCENT_DATA_DIR"), ("store.url", "DESCENT_STORE_URL"), ("store.pool_size", "DESCENT_STORE_POOL_SIZE"),
        ("jobs.lease_seconds", "DESCENT_LEASE_SECONDS"), ("jobs.workers", "DESCENT_WORKERS"), ("jobs.queue_capacity", "DESCENT_QUEUE_CAPACITY"),
        ("auth.token", "DESCENT_AUTH_TOKEN"), ("limits.max_steps", "DESCENT_MAX_STEPS"),
        ("limits.max_parameters", "DESCENT_MAX_PARAMETERS"), ("limits.max_dataset_rows", "DESCENT_MAX_DATASET_ROWS"),
        ("limits.max_trajectory_points", "DESCENT_MAX_TRAJECTORY_POINTS"), ("log.level", "DESCENT_LOG_LEVEL"),
    ]

    /// Applies a YAML config file (nested sections as in config/descent.yaml); unknown keys are errors.
    public mutating func apply(yaml text: String) throws {
        guard let root = try Yams.load(yaml: text) else { return }
        guard let sections = root as? [String: Any] else { throw Invalid(description: "config: top level must be a mapping") }
        for (section, value) in sections {
            guard let members = value as? [String: Any] else { throw Invalid(description: "config: '\(section)' must be a mapping") }
            for (key, v) in members {
                let path = "\(section).\(key)"
                guard Self.keys.contains(where: { $0.yaml == path }) else { throw Invalid(description: "config: unknown setting '\(path)'") }
                try set(path, to: "\(v)")
            }
        }
    }

    /// Applies `DESCENT_*` environment variables.
    public mutating func apply(environment: [String: String]) throws {
        for (path, env) in Self.keys { if let v = environment[env] { try set(path, to: v, source: env) } }
    }

    /// Sets one setting by its config path ("store.url"), checked as from a file; errors name `source`
    /// (a flag, say) when given.
    public mutating func apply(setting path: String, value: String, source: String? = nil) throws {
        guard Self.keys.contains(where: { $0.yaml == path }) else { throw Invalid(description: "unknown setting '\(path)'") }
        try set(path, to: value, source: source)
    }

    private mutating func set(_ path: String, to text: String, source: String? = nil) throws {
        let name = source ?? path
        func int(_ range: ClosedRange<Int>) throws -> Int {
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
                throw Invalid(description: "\(name): '\(text)' must be an integer in [\(range.lowerBound), \(range.upperBound)]")
            }
            return n
        }
        switch path {
        case "server.host": host = text
        case "server.port": port = try int(0...65535)
        case "server.max_body_bytes": maxBodyBytes = try int(1024...(1 << 30))
        case "server.max_connections": maxConnections = try int(1...1_000_000)
        case "server.shutdown_grace_seconds": shutdownGraceSeconds = try int(0...3600)
        case "store.data_dir": dataDir = text
        case "store.url":
            guard Self.backend(of: text) != nil else {
                throw Invalid(description: "\(name): '\(text)' must be empty, sqlite:PATH or postgres://user@host:port/database")
            }
            storeURL = text
        case "store.pool_size": storePoolSize = try int(1...1000)
        case "jobs.lease_seconds": leaseSeconds = try int(1...3600)
        case "jobs.workers": workers = try int(0...1024)
        case "jobs.queue_capacity": queueCapacity = try int(1...10_000_000)
        case "auth.token": authToken = text
        case "limits.max_steps": maxSteps = try int(1...1_000_000_000)
        case "limits.max_parameters": maxParameters = try int(1...100_000_000)
        case "limits.max_dataset_rows": maxDatasetRows = try int(1...100_000_000)
        case "limits.max_trajectory_points": maxTrajectoryPoints = try int(1...1_000_000_000)
        case "log.level":
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(text) else {
                throw Invalid(description: "\(name): '\(text)' must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = text
        default: throw Invalid(description: "unknown setting \(path)")
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
        c.limits.maxBodyBytes = maxBodyBytes
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
