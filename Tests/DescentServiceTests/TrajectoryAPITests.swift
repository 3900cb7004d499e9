import DescentCore
import Foundation
import Testing
@testable import DescentService

@Suite struct TrajectoryAPITests {
    func finishedSaddle(_ h: ServiceHarness) async throws -> String {
        let id = try #require(h.object(try await h.request(.post, "/v1/experiments", json: saddleSpec).body)["id"] as? String)
        _ = try await h.waitFinal(id)
        return id
    }

    @Test func trajectoryIsColumnarWithParams() async throws {
        let h = try ServiceHarness()
        let id = try await finishedSaddle(h)
        let t = h.object(try await h.request(.get, "/v1/experiments/\(id)/trajectory").body)
        let steps = try #require(t["step"] as? [Int])
        #expect(steps.count == t["total"] as? Int)
        #expect((t["loss"] as? [Double])?.count == steps.count)
        #expect((t["params"] as? [[Double]])?.first?.count == 2)
        #expect(t["dimension"] as? Int == 2)
    }

    @Test func trajectoryQueryFiltersStepsFieldsAndEvery() async throws {
        let h = try ServiceHarness()
        let id = try await finishedSaddle(h)
        let t = h.object(try await h.request(.get, "/v1/experiments/\(id)/trajectory?from=10&to=19&fields=loss&every=2").body)
        let steps = try #require(t["step"] as? [Int])
        #expect(steps.allSatisfy { (10...19).contains($0) })
        #expect(steps.count == 5)
        #expect(t["params"] == nil)
        #expect(t["lr"] == nil)
        #expect(try await h.request(.get, "/v1/experiments/\(id)/trajectory?fields=bogus").status == 422)
    }

    @Test func maxPointsDownsamplesTheResponse() async throws {
        let h = try ServiceHarness()
        let id = try await finishedSaddle(h)
        let t = h.object(try await h.request(.get, "/v1/experiments/\(id)/trajectory?max_points=30").body)
        #expect((t["step"] as? [Int])?.count ?? 99 <= 30)
        #expect(t["downsampled"] as? Bool == true)
    }

    @Test func shapePathSelectsRowsByTheParameterPathAndOtherShapesAreRefused() async throws {
        let h = try ServiceHarness()
        let id = try await finishedSaddle(h)
        let t = h.object(try await h.request(.get, "/v1/experiments/\(id)/trajectory?max_points=5&shape=path&fields=params").body)
        let steps = try #require(t["step"] as? [Int])
        #expect(steps.count <= 5 && steps.first == 0 && steps.last == (t["total"] as? Int).map { $0 - 1 })
        #expect((t["params"] as? [[Double]])?.count == steps.count && t["loss"] == nil)
        let refused = try await h.request(.get, "/v1/experiments/\(id)/trajectory?max_points=5&shape=banana")
        #expect(refused.status == 422 && refused.body.contains("\"field\":\"shape\""))
    }

    @Test func csvHasHeaderAndOneLinePerRow() async throws {
        let h = try ServiceHarness()
        let id = try await finishedSaddle(h)
        let r = try await h.request(.get, "/v1/experiments/\(id)/trajectory", headers: [("Accept", "text/csv")])
        let lines = r.body.split(separator: "\n")
        let total = try #require(h.object(try await h.request(.get, "/v1/experiments/\(id)/trajectory").body)["total"] as? Int)
        #expect(lines.first == "step,epoch,lr,loss,grad_norm,p0,p1")
        #expect(lines.count == total + 1)
    }

    @Test func eventsStreamEndsWithFinalExperiment() async throws {
        let h = try ServiceHarness()
        let id = try await finishedSaddle(h)
        let r = try await h.request(.get, "/v1/experiments/\(id)/events")
        #expect(r.headers["Content-Type"] == "text/event-stream")
        #expect(r.body.contains("event: status\ndata: {\"status\":\"succeeded\"}"))
        #expect(r.body.contains("event: end\n"))
    }
}
