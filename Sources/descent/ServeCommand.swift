import ArgumentParser
import DescentHTTP
import DescentService
import Dispatch
import Foundation
#if canImport(Glibc)
import CMalloc
#endif
import Logging

/// `descent serve`: the HTTP service with the embedded SQLite store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service (SQLite store in --data-dir by default; PostgreSQL with --store-url).",
        discussion: "Settings come from defaults, then --config FILE (see config/descent.yaml), then DESCENT_* environment variables, then flags.")

    @Option(help: "YAML config file (default: none; DESCENT_CONFIG).") var config: String?
    // Flags are read as text and checked by ServiceConfiguration's one table of settings, like the
    // config file and DESCENT_* variables, so a bad value is named the same way whatever its source.
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port in [0, 65535]; 0 picks a free one (default 8080).") var port: String?
    @Option(name: .customLong("data-dir"), help: "Folder of the SQLite store (default ./descent-data).") var dataDir: String?
    @Option(name: .customLong("store-url"), help: "Store: sqlite:PATH or postgres://user@host:port/db (default: SQLite in --data-dir).") var storeURL: String?
    @Option(name: .customLong("lease-seconds"), help: "Lease of a running job, seconds in [1, 3600]; others take over a dead instance's jobs after it (default 15).") var leaseSeconds: String?
    @Option(help: "Worker threads in [0, 1024]; 0 = one per core (default 0).") var workers: String?
    @Option(name: .customLong("queue-capacity"), help: "Most queued experiments, in [1, 10000000] (default 1024).") var queueCapacity: String?
    @Option(name: .customLong("auth-token"), help: "Bearer token required for mutating requests.") var authToken: String?
    @Option(name: .customLong("log-level"), help: "trace|debug|info|notice|warning|error|critical (default info).") var logLevel: String?

    /// Exit status for a bad setting from any source: 64, EX_USAGE of sysexits(3).
    static let badSettingExitCode: Int32 = 64

    /// The flags given, as text, in the table's terms.
    private var flags: [(flag: String, value: String)] {
        let given: [(String, String?)] = [
            ("--host", host), ("--port", port), ("--data-dir", dataDir), ("--store-url", storeURL),
            ("--lease-seconds", leaseSeconds), ("--workers", workers), ("--queue-capacity", queueCapacity),
            ("--auth-token", authToken), ("--log-level", logLevel),
        ]
        return given.compactMap { flag, value in value.map { (flag, $0) } }
    }

    /// Defaults, then the config file, then DESCENT_* variables, then flags; the first bad value stops it.
    static func settings(config: String?, environment env: [String: String], flags: [(flag: String, value: String)]) throws -> ServiceConfiguration {
        var settings = ServiceConfiguration()
        if let path = config ?? env["DESCENT_CONFIG"] {
            let source = config != nil ? "--config \(path)" : "DESCENT_CONFIG \(path)"
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ServiceConfiguration.Invalid(description: "\(source): cannot read the file")
            }
            try settings.apply(yaml: text, source: source)
        }
        try settings.apply(environment: env)
        try settings.apply(flags: flags)
        return settings
    }

    func run() async throws {
        let settings: ServiceConfiguration
        do {
            settings = try Self.settings(config: config, environment: ProcessInfo.processInfo.environment, flags: flags)
        } catch {
            // The message names the setting and its source; a usage text would only hide it.
            FileHandle.standardError.write(Data("descent serve: \(error)\n".utf8))
            throw ExitCode(Self.badSettingExitCode)
        }
        // log.level only takes swift-log's level names (checked above).
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        // With TZ unset, glibc's localtime() (which the log handler's timestamps use) stats /etc/localtime
        // on every call, i.e. on every access-log line; naming the same file keeps the zone and skips that.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        #if canImport(Glibc)
        // Buffers of 4 MiB and more (export batches, connection output) come from mmap and go back to the
        // system when freed. glibc would otherwise raise this threshold after each such free and serve
        // later ones from arenas it keeps, so one long export would leave the server's RSS tens of MB higher.
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
        // Fixing that threshold also fixes the trim threshold at glibc's 128 KiB: every free that left more than
        // that at the top of a thread's heap gave the pages back, and the next trajectory chunk's buffers (a few
        // hundred KiB each, allocated and freed per chunk on each worker) faulted them in again, zero-filled — a
        // tenth of a 64-member study's CPU time in page faults. Each heap now keeps up to 8 MiB free at its top.
        _ = mallopt(M_TRIM_THRESHOLD, 8 << 20)
        #endif
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
