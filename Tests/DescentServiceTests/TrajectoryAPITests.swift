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

    @Test func downsamplingKeepsEndpointsAndExtremes() async throws {
        let values = (0..<10_000).map { i in i == 7777 ? 50.0 : (i == 3333 ? -50.0 : sin(Double(i) / 100)) }
        let kept = Downsampling.indices(values, maxPoints: 300)
        #expect(kept.count <= 300)
        #expect(kept.first == 0 && kept.last == 9999)
        #expect(kept.contains(7777) && kept.contains(3333))
        #expect(kept == kept.sorted())
    }

    @Test func maxPointsDownsamplesTheResponse() async throws {
        let h = try ServiceHarness()
        let id = try await finishedSaddle(h)
        let t = h.object(try await h.request(.get, "/v1/experiments/\(id)/trajectory?max_points=30").body)
        #expect((t["step"] as? [Int])?.count ?? 99 <= 30)
        #expect(t["downsampled"] as? Bool == true)
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

    @Test func chunkCodecRoundTripsBitExactly() throws {
        var t = Trajectory(dimension: 2)
        t.step = [0, 1, 2]; t.epoch = [0, 0, 1]
        t.lr = [0.1, -0.0, .infinity]; t.loss = [.nan, 1e-300, -.infinity]; t.gradNorm = [0, 1, 2]
        t.params = [1, 2, 3, 4, -0.0, Double(bitPattern: 0x7FF8_0000_0000_0001)]
        t.epochs = [EpochRecord(epoch: 1, step: 2, trainLoss: 0.5, validationLoss: nil, validationAccuracy: 0.75)]
        var back = Trajectory(dimension: 2)
        try TrajectoryCodec.decode(TrajectoryCodec.encode(t), into: &back)
        #expect(back.params.map(\.bitPattern) == t.params.map(\.bitPattern))
        #expect(back.loss.map(\.bitPattern) == t.loss.map(\.bitPattern))
        #expect(back.lr.map(\.bitPattern) == t.lr.map(\.bitPattern))
        #expect(back.epochs == t.epochs)
        #expect(back.step == t.step)
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
