import DescentTestSupport
import DescentClient
import Foundation
import Synchronization
import Testing

/// Runs one SQL command with `psql` against `url` and returns its unaligned output.
@discardableResult
func psql(_ url: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", url, "-qtA", "-v", "ON_ERROR_STOP=1", "-c", sql]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw HarnessError(description: "psql failed: \(sql)") }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A fresh schema in the test database (DESCENT_TEST_POSTGRES_URL) and a URL whose search_path is it,
/// so each test's instances share a database no other test touches.
func freshPostgresSchema() throws -> String {
    guard let base = ProcessInfo.processInfo.environment["DESCENT_TEST_POSTGRES_URL"], !base.isEmpty else {
        throw HarnessError(description: "DESCENT_TEST_POSTGRES_URL is not set")
    }
    let schema = "it_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    try psql(base, "CREATE SCHEMA \(schema)")
    return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
}

/// The instances one test starts on one fresh schema. `run` stops them all when the body returns,
/// and kills them when it throws, so no test leaves a server behind.
///
/// `@unchecked Sendable`: used by one test task at a time.
final class Fleet: @unchecked Sendable {
    /// The shared database (a fresh schema).
    let url: String
    private var servers: [ServerProcess] = []

    init() throws { url = try freshPostgresSchema() }

    /// Starts one more instance on the fleet's database.
    func start(_ arguments: [String] = []) async throws -> ServerProcess {
        let server = try await ServerProcess.start(arguments: ["--store-url", url] + arguments)
        servers.append(server)
        return server
    }

    /// Starts `count` instances.
    func start(_ count: Int, _ arguments: [String] = []) async throws -> [ServerProcess] {
        var started: [ServerProcess] = []
        for _ in 0..<count { started.append(try await start(arguments)) }
        return started
    }

    /// Runs `body`, then stops (or, if it threw, kills) every instance started.
    static func run(_ body: (Fleet) async throws -> Void) async throws {
        let fleet = try Fleet()
        do { try await body(fleet) } catch {
            for s in fleet.servers { await s.killHard() }
            throw error
        }
        for s in fleet.servers { await s.terminate() }
        for s in fleet.servers { try? FileManager.default.removeItem(at: s.dataDir) }
    }
}

/// Polls until experiment `id` is running; throws when 30 s pass first, so a test never acts on a
/// job it only assumes was running.
func waitUntilRunning(_ client: Client, _ id: String) async throws {
    try await waitUntil("experiment \(id) is running") { try await client.experiment(id: id).status == .running }
}


/// Sum of `descent_experiments_finished_total` over statuses, from a /metrics text.
func finishedTotal(_ metrics: String) -> Double {
    metrics.split(separator: "\n").filter { $0.hasPrefix("descent_experiments_finished_total{") }
        .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
}

extension Integration {
    /// Several `descent serve` instances on one PostgreSQL database: any instance answers any request,
    /// every job finishes exactly once, a killed instance's jobs are taken over.
    @Suite(.enabled(if: ProcessInfo.processInfo.environment["DESCENT_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false,
                    "needs DESCENT_TEST_POSTGRES_URL (make test starts a throwaway PostgreSQL)"))
    struct ScaleOut {
        @Test(.timeLimit(.minutes(5)))
        func threeHundredExperimentsRoundRobinOnThreeInstancesFinishOnceIdenticalToDescentRun() async throws {
            let specs = (0..<10).map { Specs.rosenbrock(seed: $0) } + (0..<5).map { Specs.moons(seed: $0) }
            let references = try specs.map(referenceTrajectory)
            try await Fleet.run { fleet in
                let clients = try await fleet.start(3, ["--workers", "1"]).map { $0.client() }
                var submitted: [(spec: Int, id: String)] = []
                for n in 0..<300 {
                    let spec = n % specs.count
                    submitted.append((spec, try await clients[n % 3].submit(json: specs[spec].data).id))
                }
                // Wait on the next instance (events cross instances), read on the one after.
                var mismatches: [String] = []
                for (n, item) in submitted.enumerated() {
                    let done = try await clients[(n + 1) % 3].wait(id: item.id, timeout: .seconds(240))
                    #expect(done.status == .succeeded && done.attempts == 1, "\(item.id): \(done.status), attempts \(done.attempts ?? -1)")
                    let served = try await clients[(n + 2) % 3].trajectory(id: item.id, allColumns)
                    if !bitIdentical(served, references[item.spec]) { mismatches.append(item.id) }
                }
                #expect(mismatches.isEmpty, "trajectories differing from descent run: \(mismatches.prefix(5))")
                // Each experiment was finished by exactly one instance.
                var perInstance: [Double] = []
                for c in clients { perInstance.append(finishedTotal(try await c.metrics())) }
                #expect(perInstance.reduce(0, +) == 300, "finished per instance: \(perInstance)")
                #expect(perInstance.allSatisfy { $0 > 0 }, "every instance did some of the work: \(perInstance)")
                let listed = try await clients[1].experiments(Client.ExperimentQuery(status: .succeeded, limit: 500))
                #expect(listed.items.count == 300)
            }
        }

        @Test(.timeLimit(.minutes(5)))
        func aKilledInstancesJobsAreFinishedByTheOthers() async throws {
            let specs = (0..<6).map { Specs.moons(seed: 40 + $0, steps: 3000) }
            let references = try specs.map(referenceTrajectory)
            try await Fleet.run { fleet in
                let servers = try await fleet.start(3, ["--workers", "1", "--lease-seconds", "2"])
                let (victim, survivors) = (servers[0], Array(servers[1...]))
                let a = victim.client()
                var ids: [(spec: Int, id: String)] = []
                for n in 0..<24 { ids.append((n % specs.count, try await a.submit(json: specs[n % specs.count].data).id)) }
                // Kill the victim while every instance (one worker each) is running something.
                let watcher = survivors[0].client()
                try await waitUntil("all three instances are running an experiment", timeout: .seconds(60)) {
                    try await watcher.experiments(Client.ExperimentQuery(status: .running, limit: 100)).items.count == 3
                }
                await victim.killHard()
                var finals: [String: Client.Experiment] = [:]
                for (n, item) in ids.enumerated() {
                    finals[item.id] = try await survivors[n % 2].client().wait(id: item.id, timeout: .seconds(240))
                }
                #expect(finals.values.allSatisfy { $0.status == .succeeded }, "\(finals.values.filter { $0.status != .succeeded }.map(\.id))")
                let retaken = finals.values.filter { ($0.attempts ?? 0) >= 2 }
                #expect(!retaken.isEmpty, "no experiment was taken over from the killed instance")
                var mismatches: [String] = []
                for item in ids {
                    let served = try await survivors[1].client().trajectory(id: item.id, allColumns)
                    if !bitIdentical(served, references[item.spec]) { mismatches.append(item.id) }
                }
                #expect(mismatches.isEmpty, "trajectories differing from descent run: \(mismatches.prefix(5))")
            }
        }

        @Test(.timeLimit(.minutes(3)))
        func cancelOnOneInstanceStopsARunOnAnotherAndStreamsEndEverywhere() async throws {
            try await Fleet.run { fleet in
                let servers = try await fleet.start(3, ["--workers", "1"])
                let (a, b, c) = (servers[0].client(), servers[1].client(), servers[2].client())
                let running = try await a.submit(json: Specs.long().data).id
                try await waitUntilRunning(b, running)
                // Fill the other two workers, then queue one more: it stays queued.
                let fillers = [try await a.submit(json: Specs.long(seed: 8).data).id, try await a.submit(json: Specs.long(seed: 9).data).id]
                let queued = try await a.submit(json: Specs.long(seed: 10).data).id
                // Follow the running one on B while C cancels it.
                async let followed = b.wait(id: running, timeout: .seconds(60))
                try await Task.sleep(for: .milliseconds(300))
                _ = try await c.cancel(id: running)
                let ended = try await followed
                #expect(ended.status == .cancelled)
                #expect((ended.summary?.stepsRun ?? Int.max) < 10_000_000)
                // The queued one: cancelled on B, seen cancelled on A at once.
                let q = try await b.cancel(id: queued)
                #expect(q.status == .cancelled || q.status == .running)  // a freed worker may have claimed it first
                #expect(try await a.wait(id: queued, timeout: .seconds(60)).status == .cancelled)
                for id in fillers { _ = try await c.cancel(id: id) }
                for id in fillers { #expect(try await a.wait(id: id, timeout: .seconds(60)).status == .cancelled) }
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func anEventStreamEndsEvenWhenTheNotificationListenerLosesItsConnection() async throws {
            try await Fleet.run { fleet in
                let server = try await fleet.start(["--workers", "1", "--lease-seconds", "3"])
                let client = server.client()
                let id = try await client.submit(json: Specs.long().data).id
                try await waitUntilRunning(client, id)
                async let followed = server.client().wait(id: id, timeout: .seconds(60))
                try await Task.sleep(for: .milliseconds(300))
                // Cut the instance's LISTEN connection, then cancel: the cancel notification and the final
                // events may be missed; the heartbeat still sees the cancel, and the reconnected listener
                // tells the stream to re-read the experiment.
                let killed = try psql(fleet.url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()")
                #expect(killed != "0", "no listener connection found to cut")
                _ = try await client.cancel(id: id)
                #expect(try await followed.status == .cancelled)
            }
        }

        @Test(.timeLimit(.minutes(3)))
        func aStoppingInstanceHandsItsRunningJobToAnother() async throws {
            try await Fleet.run { fleet in
                let a = try await fleet.start(["--workers", "1"])
                let spec = Specs.moons(seed: 77, steps: 20000)
                let reference = try referenceTrajectory(spec)
                // Only A runs at first, so the job starts there.
                let id = try await a.client().submit(json: spec.data).id
                try await waitUntilRunning(a.client(), id)
                let b = try await fleet.start(["--workers", "1"])
                #expect(await a.terminate() == 0)  // SIGTERM: A puts the run back in the queue and exits
                let done = try await b.client().wait(id: id, timeout: .seconds(120))
                #expect(done.status == .succeeded)
                #expect((done.attempts ?? 0) >= 2, "attempts \(done.attempts ?? -1): the run did not move")
                #expect(bitIdentical(try await b.client().trajectory(id: id, allColumns), reference))
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func progressOfARunOnOneInstanceStreamsFromAnother() async throws {
            try await Fleet.run { fleet in
                let a = try await fleet.start(["--workers", "1"])
                // Only A runs at first, so the run is A's. A progress event every 100,000 of 10 M steps: far
                // more than a test needs, so B sees events however fast the machine is; B cancels after 3.
                let start = Array(repeating: "0.5", count: 20).joined(separator: ",")
                let spec = #"{"objective":{"type":"rastrigin","dimension":20},"optimizer":{"type":"sgd","lr":0.0001},"start":[\#(start)],"steps":10000000,"record_every":1000,"record_params":false}"#
                let id = try await a.client().submit(json: spec.data).id
                try await waitUntilRunning(a.client(), id)
                let b = try await fleet.start(["--workers", "1"])
                let seen = Mutex<[Int]>([])
                let canceller = b.client()
                let done = try await b.client().wait(id: id, timeout: .seconds(120)) { event in
                    guard case .progress(let stepsDone, _, _) = event else { return }
                    let count = seen.withLock { $0.append(stepsDone); return $0.count }
                    if count == 3 { Task { _ = try? await canceller.cancel(id: id) } }  // seen enough
                }
                let progress = seen.withLock { $0 }
                #expect(done.status == .cancelled, "cancelled from B after B saw A's progress")
                #expect(progress.count >= 3, "progress events seen on the other instance: \(progress.count)")
                #expect(progress == progress.sorted(), "progress went backwards: \(progress.prefix(20))")
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func anInstanceSurvivesLosingEveryDatabaseConnection() async throws {
            try await Fleet.run { fleet in
                let client = try await fleet.start(["--workers", "1"]).client()
                let before = try await client.submit(json: Specs.saddle(start: [0.01, 0.02]).data).id
                #expect(try await client.wait(id: before, timeout: .seconds(30)).status == .succeeded)
                // As if the database restarted: every connection but this one is terminated.
                try psql(fleet.url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
                // Every request still succeeds (a dead connection is replaced and the statement sent again),
                // and new work still runs.
                for _ in 0..<5 { _ = try await client.experiments(Client.ExperimentQuery(limit: 5)) }
                let after = try await client.submit(json: Specs.saddle(start: [0.02, 0.01]).data).id
                #expect(try await client.wait(id: after, timeout: .seconds(30)).status == .succeeded)
            }
        }
    }
}
