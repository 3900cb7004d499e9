import Foundation
import Testing
@testable import DescentService

@Suite struct ConfigurationTests {
    @Test func defaultsMatchTheDocumentedOnes() {
        let c = ServiceConfiguration()
        #expect(c.host == "127.0.0.1")
        #expect(c.port == 8080)
        #expect(c.dataDir == "./descent-data")
        #expect(c.queueCapacity == 1024)
        #expect(c.resolvedWorkers == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test func environmentOverridesTheFile() throws {
        var c = ServiceConfiguration()
        try c.apply(yaml: "server:\n  port: 9000\n  host: 0.0.0.0\njobs:\n  workers: 3\n")
        try c.apply(environment: ["DESCENT_PORT": "9001", "UNRELATED": "x"])
        #expect(c.port == 9001)
        #expect(c.host == "0.0.0.0")
        #expect(c.workers == 3)
    }

    @Test func shippedConfigFileHoldsTheDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var c = ServiceConfiguration()
        try c.apply(yaml: String(contentsOf: root.appendingPathComponent("config/descent.yaml"), encoding: .utf8))
        #expect(c == ServiceConfiguration())
    }

    @Test func storeURLPicksTheBackend() throws {
        var c = ServiceConfiguration()
        #expect(c.backend == .sqlite(path: "./descent-data/descent.sqlite"))
        try c.apply(environment: ["DESCENT_STORE_URL": "sqlite:/tmp/x.db"])
        #expect(c.backend == .sqlite(path: "/tmp/x.db"))
        try c.apply(yaml: "store:\n  url: postgres://u@db:5432/descent\n  pool_size: 4\njobs:\n  lease_seconds: 5\n")
        #expect(c.backend == .postgres(url: "postgres://u@db:5432/descent"))
        #expect(c.storePoolSize == 4 && c.leaseSeconds == 5)
        do {
            try c.apply(environment: ["DESCENT_STORE_URL": "mysql://nope"])
            Issue.record("an unknown scheme was accepted")
        } catch { #expect("\(error)".contains("DESCENT_STORE_URL") && "\(error)".contains("postgres://")) }
        #expect(throws: ServiceConfiguration.Invalid.self) { try c.apply(environment: ["DESCENT_LEASE_SECONDS": "0"]) }
    }

    @Test func unknownSettingIsRejectedWithItsPath() {
        var c = ServiceConfiguration()
        #expect(throws: ServiceConfiguration.Invalid.self) { try c.apply(yaml: "jobs:\n  wrokers: 2\n") }
        do { try c.apply(yaml: "jobs:\n  wrokers: 2\n") } catch { #expect("\(error)".contains("jobs.wrokers")) }
    }

    @Test func outOfRangeEnvironmentValueNamesTheVariable() {
        var c = ServiceConfiguration()
        do {
            try c.apply(environment: ["DESCENT_PORT": "70000"])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("DESCENT_PORT"))
        }
    }

    @Test func limitsReachTheSpecLimits() throws {
        var c = ServiceConfiguration()
        try c.apply(yaml: "limits:\n  max_steps: 500\n")
        #expect(c.specLimits.maxSteps == 500)
    }

    /// The error message of applying `body` to fresh defaults, or nil when it was accepted.
    private func rejection(_ body: (inout ServiceConfiguration) throws -> Void) -> String? {
        var c = ServiceConfiguration()
        do { try body(&c); return nil } catch { return "\(error)" }
    }

    @Test func outOfRangeFlagNamesTheFlagAndTheSetting() {
        let message = rejection { try $0.apply(flags: [("--port", "70000")]) }
        #expect(message?.contains("--port") == true && message?.contains("server.port") == true && message?.contains("65535") == true)
    }

    @Test func unknownLogLevelIsRejectedFromEverySource() {
        let fromFile = rejection { try $0.apply(yaml: "log:\n  level: bogus\n", source: "--config x.yaml") }
        #expect(fromFile?.contains("log.level in --config x.yaml") == true, "\(fromFile ?? "accepted")")
        let fromEnvironment = rejection { try $0.apply(environment: ["DESCENT_LOG_LEVEL": "bogus"]) }
        #expect(fromEnvironment?.contains("DESCENT_LOG_LEVEL") == true, "\(fromEnvironment ?? "accepted")")
        let fromFlag = rejection { try $0.apply(flags: [("--log-level", "bogus")]) }
        #expect(fromFlag?.contains("--log-level") == true && fromFlag?.contains("warning") == true, "\(fromFlag ?? "accepted")")
    }

    @Test func nonIntegerIsRejectedFromEverySource() {
        #expect(rejection { try $0.apply(yaml: "jobs:\n  workers: many\n") }?.contains("jobs.workers") == true)
        #expect(rejection { try $0.apply(environment: ["DESCENT_WORKERS": "many"]) }?.contains("DESCENT_WORKERS") == true)
        #expect(rejection { try $0.apply(flags: [("--workers", "many")]) }?.contains("--workers") == true)
        #expect(rejection { try $0.apply(flags: [("--queue-capacity", "0")]) }?.contains("--queue-capacity") == true)
        #expect(rejection { try $0.apply(flags: [("--lease-seconds", "-1")]) }?.contains("--lease-seconds") == true)
    }

    @Test func flagsOverrideTheEnvironmentWhichOverridesTheFile() throws {
        var c = ServiceConfiguration()
        try c.apply(yaml: "server:\n  port: 9000\nlog:\n  level: debug\njobs:\n  workers: 2\n")
        try c.apply(environment: ["DESCENT_PORT": "9001", "DESCENT_LOG_LEVEL": "error"])
        try c.apply(flags: [("--port", "9002")])
        #expect(c.port == 9002 && c.logLevel == "error" && c.workers == 2)
    }

    @Test func everySettingIsInTheShippedFileWithItsVariableFlagAndRange() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("config/descent.yaml"), encoding: .utf8)
        var section = ""
        var documented: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            if let first = line.first, first != " ", line.hasSuffix(":") { section = String(line.dropLast()); continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("  "), let colon = trimmed.firstIndex(of: ":") else { continue }
            documented["\(section).\(trimmed[..<colon])"] = String(line)
        }
        #expect(Set(documented.keys) == Set(ServiceConfiguration.settings.map(\.path)))
        for setting in ServiceConfiguration.settings {
            let line = documented[setting.path] ?? ""
            #expect(line.contains(setting.environment), "\(setting.path): its line names no \(setting.environment)")
            if let flag = setting.flag { #expect(line.contains(flag), "\(setting.path): its line names no \(flag)") }
            switch setting.kind {
            case .integer(let range):
                #expect(line.contains("In [\(range.lowerBound), \(range.upperBound)]."), "\(setting.path): its line does not give its range")
            case .choice(let words):
                #expect(line.contains(words.joined(separator: ", ")), "\(setting.path): its line does not list its values")
            case .text, .storeURL: break
            }
        }
    }

    @Test func computePoolIsSizedFromItsSettings() throws {
        var c = ServiceConfiguration()
        #expect(c.computeThreads == 0 && c.computeQueueLimit == 64)
        try c.apply(yaml: "server:\n  compute_threads: 3\n  compute_queue_limit: 10\n")
        try c.apply(environment: ["DESCENT_COMPUTE_QUEUE_LIMIT": "5"])
        #expect(c.computeThreads == 3 && c.computeQueueLimit == 5)
        let pool = ServiceAPI.makeComputePool(threads: c.computeThreads, queueLimit: c.computeQueueLimit)
        #expect(pool.threads == 3 && pool.queueLimit == 5)
        #expect(ServiceAPI.sharedComputePool.threads == ProcessInfo.processInfo.activeProcessorCount)
        #expect(ServiceAPI.sharedComputePool.queueLimit == 64)
        do {
            try c.apply(environment: ["DESCENT_COMPUTE_THREADS": "1025"])
            Issue.record("1025 compute threads were accepted")
        } catch {
            #expect("\(error)".contains("DESCENT_COMPUTE_THREADS (server.compute_threads)") && "\(error)".contains("[0, 1024]"))
        }
    }

    @Test func unknownFlagAndBadYAMLAreRejected() {
        #expect(rejection { try $0.apply(flags: [("--prot", "1")]) }?.contains("--prot") == true)
        #expect(rejection { try $0.apply(yaml: "server: [1, 2", source: "--config bad.yaml") }?.contains("--config bad.yaml") == true)
        #expect(rejection { try $0.apply(yaml: "- 1\n", source: "--config list.yaml") }?.contains("--config list.yaml") == true)
    }
}
