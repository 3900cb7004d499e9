import DescentTestSupport
import DescentCore
import DescentHTTP
import Foundation
import Testing
@testable import DescentService

@Suite struct ExperimentAPITests {
    @Test func submitReturns202WithLocationAndRunsToSuccess() async throws {
        let h = try ServiceHarness()
        let r = try await h.request(.post, "/v1/experiments", json: saddleSpec)
        #expect(r.status == 202)
        let id = try #require(h.object(r.body)["id"] as? String)
        #expect(r.headers["Location"] == "/v1/experiments/\(id)")
        #expect(h.object(r.body)["status"] as? String == "queued")
        let final = try await h.waitFinal(id)
        #expect(final["status"] as? String == "succeeded")
        let summary = try #require(final["summary"] as? [String: Any])
        #expect((summary["final_loss"] as? Double ?? 1) < 1e-3)
        #expect(summary["steps_run"] as? Int == 300)
    }

    @Test func resultsEqualDirectCoreRunBitForBit() async throws {
        let h = try ServiceHarness()
        let r = try await h.request(.post, "/v1/experiments", json: saddleSpec)
        let id = try #require(h.object(r.body)["id"] as? String)
        _ = try await h.waitFinal(id)
        let stored = try h.runner.store.trajectory(id, dimension: 2)
        let direct = try ExperimentSpec(checking: try JSONDecoder().decode(SpecValue.self, from: Data(saddleSpec.utf8))).validated().run()
        #expect(stored == direct.trajectory)
    }

    @Test func malformedJSONIs400() async throws {
        let h = try ServiceHarness()
        let r = try await h.request(.post, "/v1/experiments", json: "{not json")
        #expect(r.status == 400)
        #expect((h.object(r.body)["error"] as? [String: Any])?["code"] as? String == "bad_json")
    }

    @Test func wrongContentTypeIs415() async throws {
        let h = try ServiceHarness()
        let r = try await h.request(.post, "/v1/experiments", json: saddleSpec, headers: [("Content-Type", "text/plain")])
        #expect(r.status == 415)
    }

    @Test(arguments: [("application/json", "application/json"), (" Application/JSON ; charset=utf-8", "application/json"),
                      ("\tapplication/problem+json\t", "application/problem+json"), ("text/plain;a=b", "text/plain"), ("", ""),
                      (";", "")])
    func mediaTypeDropsParametersAndBlanksAndIgnoresCase(_ header: String, _ expected: String) {
        #expect(RequestDecoding.mediaType(header) == expected)
    }

    @Test func invalidSpecIs422NamingTheField() async throws {
        let h = try ServiceHarness()
        let bad = #"{"objective":{"type":"saddle"},"optimizer":{"type":"adam","betas":[0.9,1.5]},"steps":10}"#
        let r = try await h.request(.post, "/v1/experiments", json: bad)
        #expect(r.status == 422)
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(error["field"] as? String == "optimizer.betas[1]")
        #expect(error["code"] as? String == "out_of_range")
    }

    @Test func unknownExperimentIs404AndWrongMethodIs405() async throws {
        let h = try ServiceHarness()
        #expect(try await h.request(.get, "/v1/experiments/exp_nope").status == 404)
        let r = try await h.request(.put, "/v1/experiments")
        #expect(r.status == 405)
        #expect(r.headers["Allow"]?.contains("POST") == true)
    }

    @Test func idempotencyKeyReplaysSameBodyAndConflictsOnOther() async throws {
        let h = try ServiceHarness()
        let first = try await h.request(.post, "/v1/experiments", json: saddleSpec, headers: [("Idempotency-Key", "k1")])
        let again = try await h.request(.post, "/v1/experiments", json: saddleSpec, headers: [("Idempotency-Key", "k1")])
        #expect(first.status == 202)
        #expect(again.status == 200)
        #expect(h.object(first.body)["id"] as? String == h.object(again.body)["id"] as? String)
        let other = saddleSpec.replacingOccurrences(of: "300", with: "301")
        #expect(try await h.request(.post, "/v1/experiments", json: other, headers: [("Idempotency-Key", "k1")]).status == 409)
    }

    @Test func fullQueueIs429WithRetryAfter() async throws {
        let h = try ServiceHarness(queueCapacity: 2, start: false)
        #expect(try await h.request(.post, "/v1/experiments", json: saddleSpec).status == 202)
        #expect(try await h.request(.post, "/v1/experiments", json: saddleSpec).status == 202)
        let r = try await h.request(.post, "/v1/experiments", json: saddleSpec)
        #expect(r.status == 429)
        #expect(r.headers["Retry-After"] != nil)
    }

    @Test func listPaginatesWithCursorAndFilters() async throws {
        let h = try ServiceHarness(start: false)
        for _ in 0..<5 { _ = try await h.request(.post, "/v1/experiments", json: saddleSpec) }
        let page1 = h.object(try await h.request(.get, "/v1/experiments?limit=2").body)
        let items1 = try #require(page1["items"] as? [[String: Any]])
        #expect(items1.count == 2)
        let cursor = try #require(page1["next_cursor"] as? String)
        let page2 = h.object(try await h.request(.get, "/v1/experiments?limit=2&cursor=\(cursor)").body)
        let items2 = try #require(page2["items"] as? [[String: Any]])
        #expect(items2.count == 2)
        #expect(Set(items1.compactMap { $0["id"] as? String }).isDisjoint(with: items2.compactMap { $0["id"] as? String }))
        let filtered = h.object(try await h.request(.get, "/v1/experiments?tag=nope").body)
        #expect((filtered["items"] as? [Any])?.isEmpty == true)
        #expect(try await h.request(.get, "/v1/experiments?status=bogus").status == 422)
    }

    @Test func cancelQueuedExperimentAndDeleteIt() async throws {
        let h = try ServiceHarness(start: false)
        let id = try #require(h.object(try await h.request(.post, "/v1/experiments", json: saddleSpec).body)["id"] as? String)
        let c = try await h.request(.post, "/v1/experiments/\(id)/cancel")
        #expect(c.status == 200)
        #expect(h.object(c.body)["status"] as? String == "cancelled")
        #expect(try await h.request(.delete, "/v1/experiments/\(id)").status == 204)
        #expect(try await h.request(.get, "/v1/experiments/\(id)").status == 404)
    }

    @Test func cancelRunningExperimentStopsIt() async throws {
        let h = try ServiceHarness(workers: 1)
        // Minutes of work (an MLP on a dataset), so the cancel always reaches it while it runs.
        let long = #"{"objective":{"type":"mlp","hidden":[16],"activation":"tanh"},"dataset":{"type":"synthetic","generator":"two_moons","samples":200,"noise":0.1},"optimizer":{"type":"adam","lr":0.001},"batch_size":32,"steps":10000000,"record_every":10000,"record_params":false}"#
        let id = try #require(h.object(try await h.request(.post, "/v1/experiments", json: long).body)["id"] as? String)
        try await h.waitUntilRunning(id)
        _ = try await h.request(.post, "/v1/experiments/\(id)/cancel")
        let final = try await h.waitFinal(id, timeout: 20)
        #expect(final["status"] as? String == "cancelled")
        #expect((final["progress"] as? [String: Any])?["steps_done"] as? Int ?? 0 < 10_000_000, "stopped before its budget")
    }

    @Test func authTokenGuardsMutatingRequests() async throws {
        let h = try ServiceHarness(authToken: "s3cret", start: false)
        #expect(try await h.request(.post, "/v1/experiments", json: saddleSpec).status == 401)
        #expect(try await h.request(.post, "/v1/experiments", json: saddleSpec, headers: [("Authorization", "Bearer s3cret")]).status == 202)
        #expect(try await h.request(.get, "/v1/experiments").status == 200)
    }
}
