import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Per-step spread of replicate loss curves, and `GET /v1/studies/{id}/trials/{number}/curves`.
@Suite struct ReplicateCurvesTests {
    @Test func gridEndsAtTheShortestRunAndHoldsEachValueUntilTheNextRecord() {
        let a = (step: [0, 2, 4, 6, 8], loss: [8.0, 6, 4, 2, 0])
        let b = (step: [0, 1, 2, 3, 4, 5, 6], loss: [4.0, 3, 2, 1, 0, 0, 0])
        let c = ReplicateCurves(curves: [a, b], maxPoints: 4)
        #expect(c.runs == 2 && c.step == [0, 2, 4, 6])
        #expect(c.lossMean == [6, 4, 2, 1] && c.lossMin == [4, 2, 0, 0] && c.lossMax == [8, 6, 4, 2])
        let eight = Double(8).squareRoot(), two = Double(2).squareRoot()  // sample variances 8, 8, 8, 2, exactly
        #expect(c.lossStd == [eight, eight, eight, two])
        // step 3 of a (recorded every 2) holds step 2's value
        #expect(ReplicateCurves(curves: [a], maxPoints: 9).lossMean == [8, 8, 6, 6, 4, 4, 2, 2, 0])
    }

    @Test func noCurvesGiveAnEmptyGrid() {
        let c = ReplicateCurves(curves: [], maxPoints: 10)
        #expect(c.runs == 0 && c.step.isEmpty)
    }

    @Test func aTrialsCurvesSpanItsReplicates() async throws {
        let h = try ServiceHarness(workers: 2)
        let body = #"{"base":{"objective":{"type":"mlp","hidden":[4]},"dataset":{"type":"synthetic","generator":"two_moons","samples":64},"optimizer":{"type":"sgd","lr":0.05},"batch_size":16,"steps":40},"#
            + #""search":{"space":{"optimizer.lr":{"type":"uniform","low":0.01,"high":0.1}},"sampler":"random","trials":1,"seed":1},"replicates":3}"#
        let id = try #require(try await h.runStudyToEnd(body)["id"] as? String)
        let r = try await h.request(.get, "/v1/studies/\(id)/trials/0/curves?max_points=5")
        #expect(r.status == 200)
        let curves = try #require(h.object(r.body)["curves"] as? [String: Any])
        #expect(curves["runs"] as? Int == 3 && curves["step"] as? [Int] == [0, 10, 20, 30, 40])
        let low = curves["loss_min"] as? [Double] ?? [], high = curves["loss_max"] as? [Double] ?? [], mean = curves["loss_mean"] as? [Double] ?? []
        #expect(mean.count == 5 && zip(zip(low, mean), high).allSatisfy { $0.0 <= $0.1 && $0.1 <= $1 })
        #expect(try await h.request(.get, "/v1/studies/\(id)/trials/7/curves").status == 404)
        #expect(try await h.request(.get, "/v1/studies/\(id)/trials/0/curves?max_points=0").status == 422)
    }
}
