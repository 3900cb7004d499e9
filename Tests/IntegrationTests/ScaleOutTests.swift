import DescentClient
import Foundation
import Synchronization
import Testing

/// A fresh schema in the test database (DESCENT_TEST_POSTGRES_URL) and a URL whose search_path is it,
/// so each test's instances share a database no other test touches. Made with `psql`.
func freshPostgresSchema() throws -> String {
    guard let base = ProcessInfo.processInfo.environment["DESCENT_TEST_POSTGRES_URL"], !base.isEmpty else {
        throw HarnessError(description: "DESCENT_TEST_POSTGRES_URL is not set")
    }
    let schema = "it_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let psql = Process()
    psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    psql.arguments = ["psql", base, "-q", "-v", "ON_ERROR_STOP=1", "-c", "CREATE SCHEMA \(schema)"]
    try psql.run()
    psql.waitUntilExit()
    guard psql.terminationStatus == 0 else { throw HarnessError(description: "psql could not create schema \(schema)") }
    return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
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
        /// Starts `count` instances on one fresh schema.
        private func instances(_ count: Int, arguments: [String] = []) async throws -> [ServerProcess] {
            let url = try freshPostgresSchema()
            var started: [ServerProcess] = []
            do {
                for _ in 0..<count { started.append(try await ServerProcess.start(arguments: ["--store-url", url] + arguments)) }
            } catch {
                for s in started { await s.killHard() }
                throw error
            }
            return started
        }

        private func stopAll(_ servers: [ServerProcess]) async {
            for s in servers { await s.terminate() }
            for s in servers { try? FileManager.default.removeItem(at: s.dataDir) }
        }

        @Test(.timeLimit(.minutes(5)))
        func threeHundredExperimentsRoundRobinOnThreeInstancesFinishOnceIdenticalToDescentRun() async throws {
            let specs = (0..<10).map { Specs.rosenbrock(seed: $0) } + (0..<5).map { Specs.moons(seed: $0) }
            let references = try specs.map(referenceTrajectory)
            let servers = try await instances(3, arguments: ["--workers", "1"])
            do {
                let clients = servers.map { $0.client() }
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
                var total = 0.0
                var perInstance: [Double] = []
                for c in clients {
                    let n = finishedTotal(try await c.metrics())
                    perInstance.append(n)
                    total += n
                }
                #expect(total == 300, "finished per instance: \(perInstance)")
                #expect(perInstance.allSatisfy { $0 > 0 }, "every instance did some of the work: \(perInstance)")
                let listed = try await clients[1].experiments(ExperimentQuery(status: .succeeded, limit: 500))
                #expect(listed.items.count == 300)
            } catch {
                for s in servers { await s.killHard() }
                throw error
            }
            await stopAll(servers)
        }

        @Test(.timeLimit(.minutes(5)))
        func aKilledInstancesJobsAreFinishedByTheOthers() async throws {
            let specs = (0..<6).map { Specs.moons(seed: 40 + $0, steps: 3000) }
            let references = try specs.map(referenceTrajectory)
            let servers = try await instances(3, arguments: ["--workers", "1", "--lease-seconds", "2"])
            let (victim, survivors) = (servers[0], Array(servers[1...]))
            do {
                let a = victim.client()
                var ids: [(spec: Int, id: String)] = []
                for n in 0..<24 { ids.append((n % specs.count, try await a.submit(json: specs[n % specs.count].data).id)) }
                // Kill the victim while every instance (one worker each) is running something.
                let watcher = survivors[0].client()
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    let running = try await watcher.experiments(ExperimentQuery(status: .running, limit: 100)).items.count
                    if running == 3 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                await victim.killHard()
                var finals: [String: Experiment] = [:]
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
            } catch {
                for s in servers { await s.killHard() }
                throw error
            }
            await stopAll(survivors)
        }

        @Test(.timeLimit(.minutes(3)))
        func cancelOnOneInstanceStopsARunOnAnotherAndStreamsEndEverywhere() async throws {
            let servers = try await instances(3, arguments: ["--workers", "1"])
            do {
                let (a, b, c) = (servers[0].client(), servers[1].client(), servers[2].client())
                let running = try await a.submit(json: Specs.long().data).id
                let deadline = ContinuousClock.now + .seconds(30)
                while try await b.experiment(id: running).status != .running, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
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
            } catch {
                for s in servers { await s.killHard() }
                throw error
            }
            await stopAll(servers)
        }
    }
}

extension Integration.ScaleOut {
    @Test(.timeLimit(.minutes(2)))
    func anEventStreamEndsEvenWhenTheNotificationListenerLosesItsConnection() async throws {
        let url = try freshPostgresSchema()
        let server = try await ServerProcess.start(arguments: ["--store-url", url, "--workers", "1", "--lease-seconds", "3"])
        do {
            let client = server.client()
            let id = try await client.submit(json: Specs.long().data).id
            let deadline = ContinuousClock.now + .seconds(30)
            while try await client.experiment(id: id).status != .running, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            async let followed = server.client().wait(id: id, timeout: .seconds(60))
            try await Task.sleep(for: .milliseconds(300))
            // Cut the instance's LISTEN connection, then cancel: the cancel notification and the final
            // events may be missed; the heartbeat still sees the cancel, and the reconnected listener
            // tells the stream to re-read the experiment.
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            psql.arguments = ["psql", url, "-qtA", "-c",
                              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"]
            let out = Pipe()
            psql.standardOutput = out
            try psql.run()
            psql.waitUntilExit()
            let killed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(killed != "0", "no listener connection found to cut")
            _ = try await client.cancel(id: id)
            #expect(try await followed.status == .cancelled)
        } catch {
            await server.killHard()
            throw error
        }
        await server.terminate()
    }
}

extension Integration.ScaleOut {
    @Test(.timeLimit(.minutes(3)))
    func aStoppingInstanceHandsItsRunningJobToAnother() async throws {
        let url = try freshPostgresSchema()
        let a = try await ServerProcess.start(arguments: ["--store-url", url, "--workers", "1"])
        var b: ServerProcess?
        do {
            let spec = Specs.moons(seed: 77, steps: 20000)
            let reference = try referenceTrajectory(spec)
            let client = a.client()
            // Only A runs at first, so the job starts there.
            let id = try await client.submit(json: spec.data).id
            let deadline = ContinuousClock.now + .seconds(30)
            while try await client.experiment(id: id).status != .running, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let other = try await ServerProcess.start(arguments: ["--store-url", url, "--workers", "1"])
            b = other
            #expect(await a.terminate() == 0)  // SIGTERM: A puts the run back in the queue and exits
            let done = try await other.client().wait(id: id, timeout: .seconds(120))
            #expect(done.status == .succeeded)
            #expect((done.attempts ?? 0) >= 2, "attempts \(done.attempts ?? -1): the run did not move")
            #expect(bitIdentical(try await other.client().trajectory(id: id, allColumns), reference))
        } catch {
            await a.killHard()
            if let b { await b.killHard() }
            throw error
        }
        if let b { await b.terminate() }
    }
}

extension Integration.ScaleOut {
    @Test(.timeLimit(.minutes(2)))
    func progressOfARunOnOneInstanceStreamsFromAnother() async throws {
        let url = try freshPostgresSchema()
        let a = try await ServerProcess.start(arguments: ["--store-url", url, "--workers", "1"])
        var b: ServerProcess?
        do {
            // Only A runs at first, so the run is A's. A progress event every 20,000 of 2 M steps.
            let start = Array(repeating: "0.5", count: 20).joined(separator: ",")
            let spec = #"{"objective":{"type":"rastrigin","dimension":20},"optimizer":{"type":"sgd","lr":0.0001},"start":[\#(start)],"steps":2000000,"record_every":1000,"record_params":false}"#
            let id = try await a.client().submit(json: spec.data).id
            let deadline = ContinuousClock.now + .seconds(30)
            while try await a.client().experiment(id: id).status != .running, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let other = try await ServerProcess.start(arguments: ["--store-url", url, "--workers", "1"])
            b = other
            let seen = Mutex<[Int]>([])
            let canceller = other.client()
            let done = try await other.client().wait(id: id, timeout: .seconds(90)) { event in
                guard case .progress(let stepsDone, _, _) = event else { return }
                let count = seen.withLock { $0.append(stepsDone); return $0.count }
                if count == 10 { Task { _ = try? await canceller.cancel(id: id) } }  // seen enough
            }
            let progress = seen.withLock { $0 }
            #expect(done.status == .cancelled || done.status == .succeeded)
            #expect(progress.count >= 10, "progress events seen on the other instance: \(progress.count)")
            #expect(progress == progress.sorted(), "progress went backwards: \(progress.prefix(20))")
        } catch {
            await a.killHard()
            if let b { await b.killHard() }
            throw error
        }
        await a.terminate()
        if let b { await b.terminate() }
    }
}

extension Integration.ScaleOut {
    @Test(.timeLimit(.minutes(2)))
    func anInstanceSurvivesLosingEveryDatabaseConnection() async throws {
        let url = try freshPostgresSchema()
        let server = try await ServerProcess.start(arguments: ["--store-url", url, "--workers", "1"])
        do {
            let client = server.client()
            let before = try await client.submit(json: Specs.saddle(start: [0.01, 0.02]).data).id
            #expect(try await client.wait(id: before, timeout: .seconds(30)).status == .succeeded)
            // As if the database restarted: every connection but this one is terminated.
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            psql.arguments = ["psql", url, "-qtA", "-c",
                              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"]
            try psql.run()
            psql.waitUntilExit()
            // Every request still succeeds (a dead connection is replaced and the statement sent again),
            // and new work still runs.
            for _ in 0..<5 { _ = try await client.experiments(ExperimentQuery(limit: 5)) }
            let after = try await client.submit(json: Specs.saddle(start: [0.02, 0.01]).data).id
            #expect(try await client.wait(id: after, timeout: .seconds(30)).status == .succeeded)
        } catch {
            await server.killHard()
            throw error
        }
        await server.terminate()
    }
}
