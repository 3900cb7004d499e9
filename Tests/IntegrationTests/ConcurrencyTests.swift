import DescentClient
import DescentCore
import Foundation
import Testing

extension Integration {
    /// Many clients at once; results must not depend on scheduling.
    @Suite struct Concurrency {
        /// 200 experiments over 20 distinct specs (10 copies each), submitted by 8 clients in parallel.
        @Test func twoHundredExperimentsFromEightClientsMatchDescentRunByteForByte() async throws {
            let specs = (0..<10).map { Specs.rosenbrock(seed: $0) } + (0..<10).map { Specs.moons(seed: $0) }
            let references = try specs.map(referenceTrajectory)
            try await withServer { server in
                let results = try await withThrowingTaskGroup(of: [(spec: Int, id: String)].self) { group in
                    for clientIndex in 0..<8 {
                        group.addTask {
                            let client = server.client()
                            var submitted: [(spec: Int, id: String)] = []
                            for n in 0..<25 {
                                let spec = (clientIndex * 25 + n) % specs.count
                                submitted.append((spec, try await client.submit(json: specs[spec].data).id))
                            }
                            for item in submitted {
                                let done = try await client.wait(id: item.id, timeout: .seconds(180))
                                #expect(done.status == .succeeded, "\(item.id): \(done.status)")
                            }
                            return submitted
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(results.count == 200)
                #expect(Set(results.map(\.id)).count == 200)
                let reader = server.client()
                var mismatches: [String] = []
                for item in results {
                    let served = try await reader.trajectory(id: item.id, allColumns)
                    if !bitIdentical(served, references[item.spec]) { mismatches.append(item.id) }
                }
                #expect(mismatches.isEmpty, "trajectories differing from descent run: \(mismatches.prefix(5))")
            }
        }
    }
}
