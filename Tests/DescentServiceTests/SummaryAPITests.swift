import Foundation
import Testing
@testable import DescentService

/// Summaries through the API compare full-data losses; specs whose fields would be ignored or train on
/// nonsense are rejected.
@Suite struct SummaryAPITests {
    static func regression(batchSize: Int) -> String {
        #"{"name":"B=\#(batchSize)","seed":1,"objective":{"type":"linear_regression"},"#
            + #""dataset":{"type":"synthetic","generator":"linear","samples":20,"features":1,"noise":0.1},"#
            + #""optimizer":{"type":"sgd","lr":0.05},"batch_size":\#(batchSize),"steps":200}"#
    }

    @Test func studyStepsToTargetUsesTheFullDataLossNotABatchLoss() async throws {
        let h = try ServiceHarness()
        let target = 0.0125
        let body = #"{"name":"batch size","loss_target":\#(target),"experiments":[\#(Self.regression(batchSize: 1)),\#(Self.regression(batchSize: 20))]}"#
        let created = try await h.request(.post, "/v1/studies", json: body)
        let study = h.object(created.body)
        let id = try #require(study["id"] as? String)
        let members = try #require(study["experiments"] as? [[String: Any]])
        for m in members { _ = try await h.waitFinal(m["id"] as? String ?? "") }
        let rows = try #require(h.object(try await h.request(.get, "/v1/studies/\(id)").body)["experiments"] as? [[String: Any]])
        let single = try #require(rows.first)
        let trajectory = h.object(try await h.request(.get, "/v1/experiments/\(single["id"] as? String ?? "")/trajectory").body)
        let epochs = try #require(trajectory["epochs"] as? [[String: Any]])
        let firstEvaluation = try #require(epochs.first { ($0["train_loss"] as? Double ?? .infinity) <= target }?["step"] as? Int)
        let losses = try #require(trajectory["loss"] as? [Double]), steps = try #require(trajectory["step"] as? [Int])
        let firstBatch = try #require(losses.firstIndex { $0 <= target }.map { steps[$0] })
        #expect(single["steps_to_target"] as? Int == firstEvaluation)
        #expect(firstBatch < firstEvaluation, "a single sample's loss reaches the target before the full-data loss does")
        #expect(firstEvaluation % 20 == 0)
    }

    @Test func summaryNamesTheBatchFiguresAndTheEvaluationSchedule() async throws {
        let h = try ServiceHarness()
        let id = try #require(h.object(try await h.request(.post, "/v1/experiments", json: Self.regression(batchSize: 1)).body)["id"] as? String)
        let done = try await h.waitFinal(id)
        let s = try #require(done["summary"] as? [String: Any])
        #expect(s["evaluation_every"] as? Int == 20)
        let best = try #require(s["best_loss"] as? Double), batch = try #require(s["best_batch_loss"] as? Double)
        #expect(batch < best && best <= (s["final_loss"] as? Double ?? 0))
    }

    @Test func epochBudgetReportsItsStepsAsTheTotal() async throws {
        let h = try ServiceHarness(start: false)
        let spec = Self.regression(batchSize: 4).replacingOccurrences(of: #""steps":200"#, with: #""epochs":3"#)
        let r = try await h.request(.post, "/v1/experiments", json: spec)
        let o = h.object(r.body)
        #expect(r.status == 202)
        #expect((o["progress"] as? [String: Any])?["steps_total"] as? Int == 15)
        #expect((o["spec"] as? [String: Any])?["epochs"] as? Int == 3)
    }

    @Test func batchNormWithBatchSizeOneIs422SayingWhy() async throws {
        let h = try ServiceHarness(start: false)
        let spec = #"{"objective":{"type":"mlp","hidden":[16],"batch_norm":{}},"dataset":{"type":"synthetic","generator":"two_moons"},"#
            + #""optimizer":{"type":"sgd"},"batch_size":1}"#
        let r = try await h.request(.post, "/v1/experiments", json: spec)
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(r.status == 422 && error["field"] as? String == "batch_size")
        #expect((error["message"] as? String)?.contains("Expected more than 1 value per channel when training") == true)
    }

    @Test func batchSizeOnClosedFormIs422() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, "/v1/experiments", json: #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"batch_size":8}"#)
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(r.status == 422 && error["field"] as? String == "batch_size" && error["code"] as? String == "invalid_value")
    }
}
