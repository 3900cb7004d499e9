import ArgumentParser
import DescentHTTP
import DescentService
import Dispatch
import Foundation
import Logging

/// `descent serve`: the HTTP service with the embedded SQLite store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service (SQLite store in --data-dir by default; PostgreSQL with --store-url).",
        discussion: "Settings come from defaults, then --config FILE (see config/descent.yaml), then DESCENT_* environment variables, then flags.")

    @Option(help: "YAML config file (default: none; DESCENT_CONFIG).") var config: String?
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port; 0 picks a free one (default 8080).") var port: Int?
    @Option(name: .customLong("data-dir"), help: "Folder of the SQLite store (default ./descent-data).") var dataDir: String?
    @Option(name: .customLong("store-url"), help: "Store: sqlite:PATH or postgres://user@host:port/db (default: SQLite in --data-dir).") var storeURL: String?
    @Option(name: .customLong("lease-seconds"), help: "Lease of a running job, seconds; others take over a dead instance's jobs after it (default 15).") var leaseSeconds: Int?
    @Option(help: "Worker threads; 0 = one per core (default 0).") var workers: Int?
    @Option(name: .customLong("queue-capacity"), help: "Most queued experiments (default 1024).") var queueCapacity: Int?
    @Option(name: .customLong("auth-token"), help: "Bearer token required for mutating requests.") var authToken: String?
    @Option(name: .customLong("log-level"), help: "trace|debug|info|notice|warning|error|critical (default info).") var logLevel: String?

    func run() async throws {
        var settings = ServiceConfiguration()
        let env = ProcessInfo.processInfo.environment
        do {
            if let path = config ?? env["DESCENT_CONFIG"] {
                try settings.apply(yaml: String(contentsOfFile: path, encoding: .utf8))
            }
            try settings.apply(environment: env)
        } catch {
            throw ValidationError("\(error)")
        }
        if let host { settings.host = host }
        if let port { settings.port = port }
        if let dataDir { settings.dataDir = dataDir }
        if let workers { settings.workers = workers }
        if let storeURL {
            do { try settings.apply(setting: "store.url", value: storeURL, source: "--store-url") } catch { throw ValidationError("\(error)") }
        }
        if let leaseSeconds {
            do { try settings.apply(setting: "jobs.lease_seconds", value: String(leaseSeconds), source: "--lease-seconds") } catch { throw ValidationError("\(error)") }
        }
        if let queueCapacity { settings.queueCapacity = queueCapacity }
        if let authToken { settings.authToken = authToken }
        if let logLevel { settings.logLevel = logLevel }
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        // With TZ unset, glibc's localtime() (which the log handler's timestamps use) stats /etc/localtime
        // on every call, i.e. on every access-log line; naming the same file keeps the zone and skips that.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "descent")
        let service = try ServiceHost(settings: settings, logger: logger)
        let port = try service.start()
        print("descent listening on http://\(settings.host.contains(":") ? "[\(settings.host)]" : settings.host):\(port)")
        fflush(nil)  // flush stdout so a parent process reading the pipe sees the line now
        await waitForTermination()
        logger.info("shutting down")
        await service.stop()
    }
}

/// Suspends until SIGTERM or SIGINT arrives.
func waitForTermination() async {
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let once = SignalOnce(continuation)
        for sig in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { once.fire() }
            source.resume()
            once.keep(source)
        }
    }
}

/// Resumes a continuation once, whichever signal comes first; keeps the signal sources alive.
/// `@unchecked Sendable`: state is guarded by `lock`.
final class SignalOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []
    init(_ c: CheckedContinuation<Void, Never>) { continuation = c }
    func keep(_ s: any DispatchSourceSignal) { lock.lock(); sources.append(s); lock.unlock() }
    func fire() {
        lock.lock()
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume()
    }
}
