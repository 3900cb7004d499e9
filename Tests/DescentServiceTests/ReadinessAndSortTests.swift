import Foundation
import Testing
@testable import DescentService

/// `/readyz` (200 only with a writable store and running workers) and the list's `sort=` parameter.
@Suite struct ReadinessAndSortTests {
    @Test func readyzIs200WhileRunningAnd503AfterStop() async throws {
        let h = try ServiceHarness()
        let running = try await h.request(.get, "/readyz")
        #expect(running.status == 200)
        #expect(h.object(running.body)["status"] as? String == "ready")
        h.stop()
        let stopped = try await h.request(.get, "/readyz")
        #expect(stopped.status == 503)
        #expect(h.object(stopped.body)["workers"] as? Bool == false)
        // Liveness is not readiness: the process still answers /healthz.
        #expect(try await h.request(.get, "/healthz").status == 200)
    }

    @Test func listSortsByCreationOldestOrNewestFirst() async throws {
        let h = try ServiceHarness(start: false)
        var ids: [String] = []
        for _ in 0..<3 {
            let created = h.object(try await h.request(.post, "/v1/experiments", json: saddleSpec).body)
            ids.append(try #require(created["id"] as? String))
        }
        func listed(_ query: String) async throws -> [String] {
            let r = try await h.request(.get, "/v1/experiments\(query)")
            #expect(r.status == 200, "\(query): \(r.body)")
            return (h.object(r.body)["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(try await listed("?sort=created_at") == ids)
        #expect(try await listed("?sort=-created_at") == ids.reversed())
        #expect(try await listed("") == ids.reversed(), "newest first by default")
    }

    @Test func unknownSortIsRejectedNamingTheField() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.get, "/v1/experiments?sort=Final-Loss")
        #expect(r.status == 422)
        #expect((h.object(r.body)["error"] as? [String: Any])?["field"] as? String == "sort")
    }

    @Test(arguments: ["optimizer.lr", "optimizer.lr:", "Optimizer.LR:1", "a.b.c.d.e.f.g.h.i:1",
                      Array(repeating: "seed:1", count: ExperimentListQuery.maxConditions + 1).joined(separator: ",")])
    func malformedFilterIsRejectedNamingTheField(filter: String) async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.get, "/v1/experiments?filter=" + (filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        #expect(r.status == 422)
        #expect((h.object(r.body)["error"] as? [String: Any])?["field"] as? String == "filter")
    }

    @Test func aCursorFromAnotherSortIsRejected() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.get, "/v1/experiments?sort=summary.final_loss&cursor=1z")
        #expect(r.status == 422)
        #expect((h.object(r.body)["error"] as? [String: Any])?["field"] as? String == "cursor")
    }
}
