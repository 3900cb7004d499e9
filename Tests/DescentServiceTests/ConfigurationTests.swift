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
}
