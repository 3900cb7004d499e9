import DescentTestSupport
import DescentClient
import DescentCore
import Foundation
import Testing

extension Integration {
    /// SIGKILL while workers write long trajectories (every step recorded, many chunks each), repeatedly:
    /// every experiment reported finished has its whole trajectory, identical to a run in this process.
    @Suite struct HeavyWriteRecovery {
        /// Rosenbrock + Adam, 40,000 steps recording every step: 5 stored chunks with summaries, and a full
        /// export large enough to stream.
        static func spec(_ n: Int) -> String { Specs.rosenbrock(seed: n, lr: 0.002, steps: 40_000) }

        @Test func repeatedKillsDuringHeavyWritingLoseNoFinishedTrajectory() async throws {
            var server = try await ServerProcess.start(arguments: ["--workers", "2"])
            let dataDir = server.dataDir
            defer { try? FileManager.default.removeItem(at: dataDir) }
            var ids: [(n: Int, id: String)] = []
            for n in 0..<12 { ids.append((n, try await server.client().submit(json: Self.spec(n).data).id)) }
            var checked = Set<String>()
            for round in 0..<3 {
                // Kill once more have finished since the last round, while others are being written.
                let client = server.client()
                let target = min(ids.count - 1, 2 * (round + 1))
                try await waitUntil("\(target) experiments finished", timeout: .seconds(120)) {
                    try await client.experiments(Client.ExperimentQuery(status: .succeeded, limit: 100)).items.count >= target
                }
                let finished = try await client.experiments(Client.ExperimentQuery(status: .succeeded, limit: 100))
                    .items.map(\.id)
                await server.killHard()
                server = try await ServerProcess.start(dataDir: dataDir, arguments: ["--workers", "2"])
                for id in finished where !checked.contains(id) {
                    try await expectWhole(id, spec: ids.first { $0.id == id }?.n ?? -1, on: server)
                    checked.insert(id)
                }
            }
            for item in ids {
                let done = try await server.client().wait(id: item.id, timeout: .seconds(180))
                #expect(done.status == .succeeded)
                if !checked.contains(item.id) { try await expectWhole(item.id, spec: item.n, on: server) }
            }
            await server.terminate()
        }

        /// The stored trajectory of `id` equals, bit for bit, the run of spec `n` in this process.
        private func expectWhole(_ id: String, spec n: Int, on server: ServerProcess) async throws {
            let value = try JSONDecoder().decode(SpecValue.self, from: Data(Self.spec(n).utf8))
            let reference = try ExperimentSpec(checking: value).validated().run().trajectory
            let t = try await server.client().trajectory(id: id, allColumns)
            #expect(t.count == reference.count && t.total == reference.count, "\(id): \(t.count) of \(reference.count) rows")
            #expect(t.step == reference.step, "\(id): steps differ")
            #expect(t.loss?.map(\.bitPattern) == reference.loss.map(\.bitPattern), "\(id): losses differ")
            #expect(t.gradNorm?.map(\.bitPattern) == reference.gradNorm.map(\.bitPattern), "\(id): gradient norms differ")
            #expect(t.params?.flatMap { $0 }.map(\.bitPattern) == reference.params.map(\.bitPattern), "\(id): parameters differ")
        }
    }
}
