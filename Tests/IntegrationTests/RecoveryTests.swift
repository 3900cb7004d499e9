import DescentTestSupport
import DescentClient
import Foundation
import Synchronization
import Testing

extension Integration {
    /// Crash recovery and graceful shutdown against the real binary.
    @Suite struct Recovery {
        /// 5 distinct specs × 10 copies, long enough that a kill lands with some finished, some running, some queued
        /// (200 steps each let all 50 finish between two polls once the MLP got faster).
        private static let specs = (0..<5).map { Specs.moons(seed: 20 + $0, steps: 2_000) }

        @Test func sigkillWithFiftyExperimentsLosesNothingAndRestartFinishesAllIdentically() async throws {
            let first = try await ServerProcess.start(arguments: ["--workers", "2"])
            let before: Submitted
            do { before = try await killMidway(first) } catch { await first.killHard(); throw error }
            let second = try await ServerProcess.start(dataDir: first.dataDir, arguments: ["--workers", "2"])
            defer { try? FileManager.default.removeItem(at: second.dataDir) }
            do { try await checkRecovered(second, before) } catch { await second.terminate(); throw error }
            await second.terminate()
        }

        /// The experiments submitted (with their spec index) and the summaries finished before the kill.
        private typealias Submitted = (ids: [(spec: Int, id: String)], finished: [String: Client.ExperimentSummary])

        /// Submits the 50 experiments, waits until a few have finished, and kills the server.
        private func killMidway(_ first: ServerProcess) async throws -> Submitted {
            let client = first.client()
            var ids: [(spec: Int, id: String)] = []
            for n in 0..<50 { ids.append((n % 5, try await client.submit(json: Self.specs[n % 5].data).id)) }
            // Let a few finish, then kill without warning.
            var finishedBefore: [String: Client.ExperimentSummary] = [:]
            let deadline = ContinuousClock.now + .seconds(60)
            while finishedBefore.count < 4, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                let page = try await client.experiments(Client.ExperimentQuery(status: .succeeded, limit: 100))
                for e in page.items { finishedBefore[e.id] = e.summary }
            }
            await first.killHard()
            #expect(finishedBefore.count >= 4)
            #expect(finishedBefore.count < 50, "everything finished before the kill; the test proves little")
            return (ids, finishedBefore)
        }

        /// Checks that every experiment finished after the restart, identically to its twins.
        private func checkRecovered(_ second: ServerProcess, _ before: Submitted) async throws {
            let (ids, finishedBefore) = before
            let after = second.client()
            var finals: [String: Client.Experiment] = [:]
            for item in ids { finals[item.id] = try await after.wait(id: item.id, timeout: .seconds(180)) }
            #expect(finals.values.allSatisfy { $0.status == .succeeded })
            for (id, summary) in finishedBefore { #expect(finals[id]?.summary == summary, "\(id) changed across the restart") }
            // Same spec ⇒ same trajectory, whether it ran before the kill, was interrupted, or was queued.
            var firstOfSpec: [Int: Client.TrajectoryData] = [:]
            var differing: [String] = []
            for item in ids {
                let t = try await after.trajectory(id: item.id, allColumns)
                if let reference = firstOfSpec[item.spec] {
                    if t.loss?.map(\.bitPattern) != reference.loss?.map(\.bitPattern) || t.step != reference.step { differing.append(item.id) }
                } else {
                    firstOfSpec[item.spec] = t
                }
            }
            #expect(differing.isEmpty, "differing trajectories: \(differing.prefix(5))")
        }

        @Test func sigtermWithRequestsInFlightExitsCleanlyAndKeepsEveryExperiment() async throws {
            let server = try await ServerProcess.start(arguments: ["--workers", "1"])
            let client = server.client()
            var ids: [String] = []
            for seed in 0..<3 { ids.append(try await client.submit(json: Specs.moons(seed: 40 + seed, steps: 1_000).data).id) }
            let stream = client.events(id: ids[0])
            // Readers hammering the server while it shuts down; every answer must be a real one.
            let answeredSoFar = AnswerCount()
            let readers = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            let reader = server.client(timeoutMilliseconds: 10_000)
                            var answered = 0
                            while true {
                                do throws(ClientError) {
                                    _ = try await reader.experiments()
                                    answered += 1
                                    answeredSoFar.add()
                                } catch {
                                    // Only transport errors (closed socket) or 503 are acceptable while stopping.
                                    #expect(error.isTransport || error.status == 503, "\(error)")
                                    return answered
                                }
                            }
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            // SIGTERM once a job is running and the readers are being answered, so both are in flight.
            try await waitUntilRunning(client, ids[0])
            try await waitUntil("the readers have had answers") { answeredSoFar.value >= 8 }
            let status = await server.terminate()
            #expect(status == 0)
            let answered = try await readers.value
            #expect(answered > 0)
            // The open event stream ends, cleanly or with a transport error, rather than hanging.
            do { for try await _ in stream {} } catch let error as ClientError { #expect(error.isTransport, "\(error)") }

            let restarted = try await ServerProcess.start(dataDir: server.dataDir, arguments: ["--workers", "2"])
            let after = restarted.client()
            for id in ids {
                let done = try await after.wait(id: id, timeout: .seconds(120))
                #expect(done.status == .succeeded, "\(id): \(done.status)")
                #expect(done.summary?.stepsRun == 1_000)
            }
            await restarted.terminate()
            try? FileManager.default.removeItem(at: restarted.dataDir)
        }
    }
}

/// Answers counted across reader tasks.
private final class AnswerCount: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
