import DescentCore
import Foundation
import Testing
@testable import DescentService

/// `POST /v1/experiments/{id}/analysis` in process: the point it analyses and the errors it gives.
@Suite struct ExperimentAnalysisAPITests {
    @Test func saddleStartedAtTheOriginStaysThereWithEigenvaluesPlusMinusTwo() async throws {
        let h = try ServiceHarness()
        let spec = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0,0],"steps":10}"#
        let id = try await h.created(spec)
        _ = try await h.waitFinal(id)
        let r = try await h.request(.post, "/v1/experiments/\(id)/analysis", json: #"{"k":1}"#)
        #expect(r.status == 200)
        let o = h.object(r.body)
        #expect(o["step"] as? Int == 10 && o["final"] as? Bool == true)
        let s = try #require(o["spectrum"] as? [String: Any])
        let top = try #require(s["top_eigenvalues"] as? [Double]), bottom = try #require(s["bottom_eigenvalues"] as? [Double])
        #expect(abs(top[0] - 2) < 1e-15 && abs(bottom[0] + 2) < 1e-15)
        #expect(s["method"] as? String == "dense" && s["negative_fraction"] as? Double == 0.5)
    }

    @Test func aQueuedRunHasNoFinalPoint() async throws {
        let h = try ServiceHarness(start: false)
        let id = try await h.created(saddleSpec)
        let r = try await h.request(.post, "/v1/experiments/\(id)/analysis", json: "{}")
        #expect(r.status == 409)
    }

    @Test func aRunWithoutRecordedParametersOffersOnlyItsFinalPoint() async throws {
        let h = try ServiceHarness()
        let spec = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.1,0.2],"steps":10,"record_params":false}"#
        let id = try await h.created(spec)
        _ = try await h.waitFinal(id)
        let r = try await h.request(.post, "/v1/experiments/\(id)/analysis", json: #"{"step":0}"#)
        #expect(r.status == 422 && h.errorFields(r.body).code == "params_not_recorded" && h.errorFields(r.body).field == "step")
        #expect(try await h.request(.post, "/v1/experiments/\(id)/analysis", json: "{}").status == 200)
    }

    @Test func aClosedFormHasNoBatches() async throws {
        let h = try ServiceHarness()
        let id = try await h.created(saddleSpec)
        _ = try await h.waitFinal(id)
        let r = try await h.request(.post, "/v1/experiments/\(id)/analysis", json: #"{"batch":{"indices":[0]}}"#)
        #expect(r.status == 422 && h.errorFields(r.body).field == "batch")
    }

    @Test func batchIndicesPastTheSamplesAreRejected() async throws {
        let h = try ServiceHarness()
        let spec = #"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":20,"features":1,"noise":0.1},"optimizer":{"type":"sgd","lr":0.05},"steps":5}"#
        let id = try await h.created(spec)
        _ = try await h.waitFinal(id)
        let r = try await h.request(.post, "/v1/experiments/\(id)/analysis", json: #"{"batch":{"indices":[0,20]}}"#)
        #expect(r.status == 422 && h.errorFields(r.body).field == "batch.indices[1]")
        let ok = h.object(try await h.request(.post, "/v1/experiments/\(id)/analysis", json: #"{"batch":{"indices":[0,3,5]}}"#).body)
        #expect((ok["batch"] as? [String: Any])?["size"] as? Int == 3)
    }

    @Test func batchNormalisedModelsAreRefusedWithAReason() async throws {
        let h = try ServiceHarness(start: false)
        let spec = #"{"objective":{"type":"mlp","hidden":[4],"batch_norm":{}},"dataset":{"type":"synthetic","generator":"two_moons","samples":20},"optimizer":{"type":"sgd","lr":0.1},"steps":5}"#
        let id = try await h.created(spec)
        let r = try await h.request(.post, "/v1/experiments/\(id)/analysis", json: #"{"step":0}"#)
        #expect(r.status == 422 && h.errorFields(r.body).code == "unsupported_objective")
    }
}
