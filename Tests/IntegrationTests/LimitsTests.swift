import DescentClient
import Foundation
import Testing

extension Integration {
    /// Back-pressure and request validation seen from a client.
    @Suite struct Limits {
        @Test func fullQueueAnswers429WithRetryAfter() async throws {
            try await withServer(arguments: ["--workers", "1", "--queue-capacity", "2"]) { server in
                let client = server.client()
                var accepted: [String] = []
                var rejection: ClientError?
                for seed in 0..<6 {
                    do throws(ClientError) { accepted.append(try await client.submit(json: Specs.long(seed: seed).data).id) } catch {
                        rejection = error; break
                    }
                }
                let error = try #require(rejection, "6 long runs were accepted by 1 worker + 2 queue slots")
                #expect(error.status == 429)
                #expect(error.apiError?.code == "queue_full")
                #expect((error.retryAfter ?? 0) > 0)
                #expect(accepted.count >= 2 && accepted.count <= 3)
                for id in accepted { _ = try await client.cancel(id: id) }
            }
        }

        @Test func bodyOverTheLimitAnswers413() async throws {
            try await withServer(environment: ["DESCENT_MAX_BODY_BYTES": "65536"]) { server in
                let padding = String(repeating: " ", count: 100_000)
                let error = await #expect(throws: ClientError.self) {
                    try await server.client().submit(json: (Specs.rosenbrock(seed: 1) + padding).data)
                }
                #expect(error?.status == 413)
                // The server stays healthy afterwards.
                let healthy = try await server.client().health()
                #expect(healthy)
            }
        }

        @Test func malformedJSONAnswers400WithJSONError() async throws {
            try await withServer { server in
                let error = await #expect(throws: ClientError.self) {
                    try await server.client().submit(json: Data(#"{"objective": {"type": "saddle"},"#.utf8))
                }
                #expect(error?.status == 400)
                #expect(error?.apiError?.code == "bad_json")
                #expect(!(error?.apiError?.message.isEmpty ?? true))
            }
        }

        @Test func invalidSpecAnswers422NamingTheField() async throws {
            try await withServer { server in
                let error = await #expect(throws: ClientError.self) {
                    try await server.client().submit(json: Data(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":-1},"start":[0,0],"steps":10}"#.utf8))
                }
                #expect(error?.status == 422)
                #expect(error?.apiError?.field == "optimizer.lr")
            }
        }

        @Test func unknownExperimentAnswers404() async throws {
            try await withServer { server in
                let error = await #expect(throws: ClientError.self) { try await server.client().experiment(id: "no-such-id") }
                #expect(error?.status == 404)
                #expect(error?.apiError?.code == "not_found")
            }
        }
    }
}
