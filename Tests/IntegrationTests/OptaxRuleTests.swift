import DescentClient
import Foundation
import Testing

extension Integration {
    /// The rules beyond torch.optim, submitted through the running service.
    @Suite struct OptaxRules {
        /// The first case of Tests/Fixtures/optax/`file`: its Descent spec (as JSON) and optax's parameter rows.
        static func fixture(_ file: String) throws -> (spec: Data, params: [[Double]]) {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/optax/\(file)")
            // JSONDecoder, not JSONSerialization: the latter does not round every decimal to the nearest double.
            struct Case: Decodable { let spec: JSONValue; let params: [[Double]] }
            struct Document: Decodable { let cases: [Case] }
            let first = try #require(try JSONDecoder().decode(Document.self, from: Data(contentsOf: url)).cases.first)
            return (try JSONEncoder().encode(first.spec), first.params)
        }

        @Test func lionSubmittedToTheServiceFollowsOptaxBitForBit() async throws {
            let (spec, expected) = try Self.fixture("lion.json")
            try await withServer { server in
                let client = server.client()
                let accepted = try await client.submit(json: spec)
                let done = try await client.wait(id: accepted.id, timeout: .seconds(60))
                #expect(done.status == .succeeded)
                let served = try await client.trajectory(id: accepted.id, Client.TrajectoryQuery(fields: ["params"]))
                let rows = try #require(served.params)
                #expect(rows.count == expected.count)
                #expect(rows.map { $0.map(\.bitPattern) } == expected.map { $0.map(\.bitPattern) })
            }
        }

        @Test func catalogListsTheOptaxRulesWithTheirDefaultsAndRanges() async throws {
            try await withServer { server in
                let optimizers = try #require(try await server.client().catalog()["optimizers"]?.array)
                let types = Set(optimizers.compactMap { $0["type"]?.string })
                #expect(["lion", "adabelief", "yogi", "lamb", "lars", "adan"].allSatisfy(types.contains))
                let lion = try #require(optimizers.first { $0["type"]?.string == "lion" })
                let b2 = try #require(lion["parameters"]?.array?.first { $0["name"]?.string == "b2" })
                #expect(b2["default"]?.double == 0.99)
                #expect(b2["range"]?.string == "[0, 1)")
            }
        }

        @Test func outOfRangeDecayAnswers422NamingTheField() async throws {
            try await withServer { server in
                let error = await #expect(throws: ClientError.self) {
                    try await server.client().submit(json: Data(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adan","b3":1.0},"steps":10}"#.utf8))
                }
                #expect(error?.status == 422)
                #expect(error?.apiError?.field == "optimizer.b3")
            }
        }
    }
}
