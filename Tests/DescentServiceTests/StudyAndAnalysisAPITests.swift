import DescentCore
import Foundation
import Testing
@testable import DescentService

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

    @Test func gridOfOptimizerObjectsIsLabelledByTypeAndParameters() async throws {
        let h = try ServiceHarness(start: false)
        let grid = #"{"optimizer":[{"type":"sgd","lr":0.019},{"type":"momentum_lecture","momentum":0.8,"lr":0.019}]}"#
        let r = try await h.request(.post, "/v1/studies", json: #"{"base":\#(saddleSpec),"grid":\#(grid)}"#)
        #expect(r.status == 202)
        let rows = try #require(h.object(r.body)["experiments"] as? [[String: Any]])
        #expect(rows.compactMap { $0["label"] as? String } == ["sgd lr=0.019", "momentum_lecture lr=0.019 momentum=0.8"])
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
            // A batch-cost preset is a measurement answered at once (200); the others queue runs (202).
            let expected = item["kind"] as? String == "batch_cost" ? 200 : 202
            #expect(try await h.request(.post, "/v1/presets/\(name)/run").status == expected, "\(name)")
        }
    }

    @Test func featureNormalizationPresetDrawsEachRunOnItsLossContours() async throws {
        // Both runs fit w·x + b: two parameters on a dataset, so the path plot draws the loss surface.
        let h = try ServiceHarness()
        let study = h.object(try await h.request(.post, "/v1/presets/feature-normalization/run").body)
        let ids = try #require((study["experiments"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
        #expect(ids.count == 2)
        for id in ids {
            _ = try await h.waitFinal(id)
            let svg = SVGXMLInspector(try await h.request(.get, "/v1/experiments/\(id)/plot.svg?kind=path").body)
            #expect(svg.isWellFormed && svg.elements("path", class: "contour").count >= 5, "\(id)")
            #expect(!svg.elements("path", class: "series").isEmpty, "\(id)")
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

    @Test func criticalPointOfSaddleAtOriginPredictsAChangeOfMinusOne() async throws {
        let h = try ServiceHarness(start: false)
        let o = h.object(try await h.request(.post, "/v1/analysis/critical-point", json: #"{"objective":{"type":"saddle"},"point":[0,0]}"#).body)
        #expect((o["predicted_change"] as? Double).map { abs($0 + 1) < 1e-12 } == true && o["predicted_decrease"] == nil)
        #expect(o["curvature"] as? String == "indefinite" && o["eigenvalues_complete"] as? Bool == true)
    }

    @Test func criticalPointOfRosenbrockStartIsNotCritical() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, "/v1/analysis/critical-point", json: #"{"objective":{"type":"rosenbrock"},"point":[-1.2,1]}"#)
        let o = h.object(r.body)
        #expect(r.status == 200 && o["is_critical"] as? Bool == false)
        #expect(o["kind"] as? String == "not_critical" && o["curvature"] as? String == "positive_definite")
    }

    @Test func criticalPointOfCubicExpressionAwayFromTheOriginIsNotCritical() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"objective":{"type":"expression","expression":"x**3+y**2","variables":["x","y"]},"point":[1,2]}"#
        let o = h.object(try await h.request(.post, "/v1/analysis/critical-point", json: body).body)
        #expect(o["kind"] as? String == "not_critical" && o["gradient_norm"] as? Double == 5)
    }

    @Test func criticalPointOfSaddleObjectiveAtOneOneIsDegenerate() async throws {
        let h = try ServiceHarness(start: false)
        let o = h.object(try await h.request(.post, "/v1/analysis/critical-point", json: #"{"objective":{"type":"saddle"},"point":[1,1]}"#).body)
        #expect(o["kind"] as? String == "degenerate" && o["curvature"] as? String == "positive_semidefinite")
        #expect((o["note"] as? String)?.contains("second-order test is inconclusive") == true)
    }

    @Test func criticalPointAboveSixtyFourParametersSaysTheSpectrumIsPartial() async throws {
        let h = try ServiceHarness(start: false)
        let point = "[" + Array(repeating: "1", count: 80).joined(separator: ",") + "]"
        let body = #"{"objective":{"type":"rosenbrock","dimension":80},"point":"# + point + "}"
        let o = h.object(try await h.request(.post, "/v1/analysis/critical-point", json: body).body)
        #expect(o["eigenvalues_complete"] as? Bool == false && o["dimension"] as? Int == 80)
        #expect(o["eigenvalue_indices"] as? [Int] == Array(0..<6) + Array(74..<80))
        #expect((o["eigenvalues"] as? [Double])?.count == 12 && o["kind"] as? String == "local_minimum")
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
