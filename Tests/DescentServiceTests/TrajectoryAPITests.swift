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

@Suite struct StudyAndAnalysisAPITests {
    @Test func gridStudyExpandsCartesianProduct() async throws {
        let h = try ServiceHarness()
        let body = #"{"name":"g","base":\#(saddleSpec),"grid":{"optimizer.lr":[0.05,0.1],"seed":[1,2,3]}}"#
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 202)
        let study = h.object(r.body)
        let rows = try #require(study["experiments"] as? [[String: Any]])
        #expect(rows.count == 6)
        #expect((rows.first?["label"] as? String)?.contains("optimizer.lr=0.05") == true)
        let id = try #require(study["id"] as? String)
        for row in rows { _ = try await h.waitFinal(row["id"] as? String ?? "") }
        let done = h.object(try await h.request(.get, "/v1/studies/\(id)").body)
        #expect(done["status"] as? String == "finished")
    }

    @Test func studyWithInvalidMemberNamesItsPath() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"experiments":[\#(saddleSpec),{"objective":{"type":"nope"},"optimizer":{"type":"sgd"},"steps":1}]}"#
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 422)
        #expect(((h.object(r.body)["error"] as? [String: Any])?["field"] as? String)?.hasPrefix("experiments[1].objective") == true)
    }

    @Test func everyPresetRuns() async throws {
        let h = try ServiceHarness(queueCapacity: 100, start: false)
        let list = h.object(try await h.request(.get, "/v1/presets").body)
        let items = try #require(list["items"] as? [[String: Any]])
        #expect(items.count >= 7)
        for item in items {
            let name = try #require(item["name"] as? String)
            #expect(try await h.request(.post, "/v1/presets/\(name)/run").status == 202, "\(name)")
        }
    }

    @Test func criticalPointOfSaddleAtOrigin() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, "/v1/analysis/critical-point", json: #"{"objective":{"type":"saddle"},"point":[0,0]}"#)
        #expect(r.status == 200)
        let o = h.object(r.body)
        #expect(o["kind"] as? String == "saddle")
        let eig = try #require(o["eigenvalues"] as? [Double])
        #expect(abs(eig[0] + 2) < 1e-12 && abs(eig[1] - 2) < 1e-12)
        let d = try #require(o["escape_direction"] as? [Double])
        #expect(abs(abs(d[0]) - 1 / 2.0.squareRoot()) < 1e-12 && abs(d[0] - d[1]) < 1e-12)
    }

    @Test func criticalPointRejectsWrongDimension() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, "/v1/analysis/critical-point", json: #"{"objective":{"type":"saddle"},"point":[0]}"#)
        #expect(r.status == 422)
        #expect((h.object(r.body)["error"] as? [String: Any])?["field"] as? String == "point")
    }

    @Test func surfaceGridHasRequestedResolution() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, "/v1/analysis/surface", json: #"{"objective":{"type":"saddle"},"x_range":[-1,1],"y_range":[-1,1],"resolution":11}"#)
        let o = h.object(r.body)
        #expect((o["xs"] as? [Double])?.count == 11)
        let values = try #require(o["values"] as? [[Double]])
        #expect(values.count == 11 && values[5][5] == 1)
        #expect(try await h.request(.post, "/v1/analysis/surface", json: #"{"objective":{"type":"saddle"},"resolution":100000}"#).status == 422)
    }

    @Test func healthReadinessMetricsCatalog() async throws {
        let h = try ServiceHarness()
        #expect(try await h.request(.get, "/healthz").status == 200)
        #expect(try await h.request(.get, "/readyz").status == 200)
        _ = try await h.request(.get, "/v1/experiments")
        let m = try await h.request(.get, "/metrics")
        #expect(m.body.contains("http_requests_total{route=\"/v1/experiments\",status=\"200\"} 1"))
        #expect(m.body.contains("descent_queue_depth"))
        let catalog = h.object(try await h.request(.get, "/v1/catalog").body)
        #expect((catalog["optimizers"] as? [Any])?.isEmpty == false)
    }
}

@Suite struct RecoveryTests {
    @Test func unfinishedExperimentsAreRequeuedAndFinishIdentically() async throws {
        let first = try ServiceHarness(start: false)
        let id = try #require(first.object(try await first.request(.post, "/v1/experiments", json: saddleSpec).body)["id"] as? String)
        // Simulate a crash mid-run: mark it running with a stray partial chunk.
        var record = try #require(try first.runner.store.experiment(id))
        record.status = .running
        try first.runner.store.update(record)
        var partial = Trajectory(dimension: 2)
        partial.step = [0]; partial.epoch = [0]; partial.lr = [9]; partial.loss = [9]; partial.gradNorm = [9]; partial.params = [9, 9]
        try first.runner.store.appendChunk(id, index: 0, chunk: partial, stepsDone: 1)
        let second = try ServiceHarness(folder: first.folder)
        let final = try await second.waitFinal(id)
        #expect(final["status"] as? String == "succeeded")
        let stored = try second.runner.store.trajectory(id, dimension: 2)
        let direct = try ExperimentSpec(checking: try JSONDecoder().decode(SpecValue.self, from: Data(saddleSpec.utf8))).validated().run()
        #expect(stored == direct.trajectory)
    }
}
