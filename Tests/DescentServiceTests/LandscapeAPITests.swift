import Foundation
import Testing
@testable import DescentService

/// `POST /v1/analysis/landscape` in process: lines, planes and PCA planes with their closed forms, and their errors.
@Suite struct LandscapeAPITests {
    private let route = "/v1/analysis/landscape"

    @Test func lineOnAQuadraticIsTheParabolaInAlpha() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"kind":"line","objective":{"type":"quadratic","a":[[1,0],[0,1]],"b":[0,0]},"from":[1,0],"to":[0,1],"range":[0,1],"resolution":5}"#
        let r = try await h.request(.post, route, json: body)
        #expect(r.status == 200)
        let line = try #require(h.object(r.body)["line"] as? [String: Any])
        let alphas = try #require(line["alphas"] as? [Double]), values = try #require(line["values"] as? [Double])
        #expect(alphas == [0, 0.25, 0.5, 0.75, 1])
        for (a, v) in zip(alphas, values) { #expect(abs(v - 0.5 * ((1 - a) * (1 - a) + a * a)) < 1e-15) }
    }

    @Test func lineBetweenTwoRunsFinalPointsEndsAtTheirFinalLosses() async throws {
        let h = try ServiceHarness()
        let spec = { (start: String) in #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd","lr":0.001},"start":\#(start),"steps":7}"# }
        let a = try await h.created(spec("[-1.2,1]")), b = try await h.created(spec("[0.5,0.5]"))
        let finalLoss = { (o: [String: Any]) in (o["summary"] as? [String: Any])?["final_loss"] as? Double }
        let la = try #require(finalLoss(try await h.waitFinal(a))), lb = try #require(finalLoss(try await h.waitFinal(b)))
        let body = #"{"kind":"line","from":{"experiment":"\#(a)"},"to":{"experiment":"\#(b)"},"range":[0,1],"resolution":3}"#
        let o = h.object(try await h.request(.post, route, json: body).body)
        let values = try #require((o["line"] as? [String: Any])?["values"] as? [Double])
        #expect(values[0] == la && values[2] == lb && (o["to"] as? [String: Any])?["step"] as? Int == 7)
    }

    @Test func seededRandomPlaneOfAnMLPIsCentredOnTheFinalLossAndRepeats() async throws {
        let h = try ServiceHarness()
        let spec = #"{"objective":{"type":"mlp","hidden":[4]},"dataset":{"type":"synthetic","generator":"two_moons","samples":20},"optimizer":{"type":"sgd","lr":0.1},"steps":5}"#
        let id = try await h.created(spec)
        let final = try #require((try await h.waitFinal(id)["summary"] as? [String: Any])?["final_loss"] as? Double)
        let body = #"{"kind":"plane","at":{"experiment":"\#(id)"},"direction_seed":3,"resolution":3}"#
        let first = try await h.request(.post, route, json: body), again = try await h.request(.post, route, json: body)
        let values = try #require((h.object(first.body)["grid"] as? [String: Any])?["values"] as? [[Double]])
        #expect(values[1][1] == final && first.body == again.body)
    }

    @Test func eigenvectorPlaneOfTheSaddleRunStartedAtTheOrigin() async throws {
        let h = try ServiceHarness()
        let id = try await h.created(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0,0],"steps":4}"#)
        _ = try await h.waitFinal(id)
        let body = #"{"kind":"plane","at":{"experiment":"\#(id)"},"directions":"eigenvectors","range":[-1,1],"resolution":3}"#
        let r = try await h.request(.post, route, json: body)
        #expect(r.status == 200)
        let o = h.object(r.body)
        #expect((o["at"] as? [String: Any])?["step"] as? Int == 4)
        let eigenvalues = try #require(o["eigenvalues"] as? [Double])
        #expect(abs(eigenvalues[0] - 2) < 1e-14 && abs(eigenvalues[1] + 2) < 1e-14)
        let grid = try #require(o["grid"] as? [String: Any])
        let values = try #require(grid["values"] as? [[Double]])
        // L = (1 − (b² − a²)/2)²: 1 at the centre, 9/4 at (±1, 0), 1/4 at (0, ±1), 1 at the corners.
        #expect(abs(values[1][1] - 1) < 1e-15 && abs(values[1][0] - 2.25) < 1e-14 && abs(values[0][1] - 0.25) < 1e-14)
        #expect(abs(values[0][0] - 1) < 1e-14)
    }

    @Test func pcaPlaneProjectsTheRecordedPathEndingAtTheOrigin() async throws {
        let h = try ServiceHarness()
        let spec = #"{"objective":{"type":"quadratic","a":[[1,0,0],[0,10,0],[0,0,100]],"b":[0,0,0]},"optimizer":{"type":"sgd","lr":0.01},"start":[1,1,1],"steps":30}"#
        let id = try await h.created(spec)
        _ = try await h.waitFinal(id)
        let r = try await h.request(.post, route, json: #"{"kind":"pca","experiment":"\#(id)","resolution":5}"#)
        #expect(r.status == 200)
        let o = h.object(r.body)
        let path = try #require(o["path"] as? [String: Any])
        let xs = try #require(path["xs"] as? [Double]), ys = try #require(path["ys"] as? [Double])
        #expect(xs.count == 31 && xs.last == 0 && ys.last == 0)
        let shares = try #require(o["explained_variance"] as? [Double])
        #expect(shares[0] >= shares[1] && shares[0] + shares[1] <= 1 + 1e-12)
    }

    @Test func svgTwinDrawsTheSameBody() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"kind":"plane","objective":{"type":"saddle"},"at":[0,0],"directions":"coordinates","resolution":9}"#
        let r = try await h.request(.post, route + ".svg", json: body)
        #expect(r.status == 200 && r.headers["Content-Type"]?.hasPrefix("image/svg+xml") == true && r.body.contains("<svg"))
    }

    @Test func aGridPastTheSideLimitIsRejected() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, route, json: #"{"kind":"plane","objective":{"type":"saddle"},"at":[0,0],"resolution":202}"#)
        #expect(r.status == 422 && h.errorFields(r.body).code == "too_large" && h.errorFields(r.body).field == "resolution")
    }

    @Test func workPastTheLimitIsRejected() async throws {
        let h = try ServiceHarness(start: false)
        // 201² evaluations × 2 parameters × 100,000 samples = 8.1·10⁹ > 2·10⁹; 101² evaluations are 2.04·10⁹, 100² fit.
        let data = #""objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":100000,"features":1}"#
        let r = try await h.request(.post, route, json: #"{"kind":"plane",\#(data),"at":[0,0],"resolution":101}"#)
        #expect(r.status == 422 && h.errorFields(r.body).code == "too_large" && h.errorFields(r.body).field == "resolution")
    }

    @Test func pointsOfTheWrongDimensionNameTheirField() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, route, json: #"{"kind":"line","objective":{"type":"saddle"},"from":[0,0],"to":[1]}"#)
        #expect(r.status == 422 && h.errorFields(r.body).field == "to")
        let missing = try await h.request(.post, route, json: #"{"kind":"plane","at":{"experiment":"exp_missing"}}"#)
        #expect(missing.status == 404)
    }

    @Test func missingKindAndUnknownKeysNameTheField() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, route, json: #"{"objective":{"type":"saddle"}}"#)
        #expect(r.status == 422 && h.errorFields(r.body).field == "kind")
        let u = try await h.request(.post, route, json: #"{"kind":"line","objective":{"type":"saddle"},"from":[0,0],"to":[1,1],"at":[0,0]}"#)
        #expect(u.status == 422 && h.errorFields(u.body).field == "at")
        let q = try await h.request(.post, route + "?x=1", json: #"{"kind":"line","objective":{"type":"saddle"},"from":[0,0],"to":[1,1]}"#)
        #expect(q.status == 400)
    }
}
