import DescentClient
import Foundation
import Testing

extension Integration {
    /// `POST /v1/analysis/landscape` and its `.svg` twin through the libcurl client.
    @Suite struct Landscapes {
        /// L = ½(w₁² + 4w₂²) from `start`.
        static func quadratic(_ start: String) -> String {
            """
            {"name":"landscape","tags":["it","landscape"],"objective":{"type":"quadratic","a":[[1,0],[0,4]],"b":[0,0]},
             "optimizer":{"type":"sgd","lr":0.05},"start":\(start),"steps":20}
            """
        }

        @Test func lineBetweenTwoRunsStartsIsTheParabolaOfTheQuadratic() async throws {
            try await withServer { server in
                let client = server.client()
                let a = try await client.submit(json: Self.quadratic("[1,1]").data)
                let b = try await client.submit(json: Self.quadratic("[-1,2]").data)
                _ = try await client.wait(id: a.id, timeout: .seconds(30))
                _ = try await client.wait(id: b.id, timeout: .seconds(30))
                let body = #"{"kind":"line","from":{"experiment":"\#(a.id)","step":0},"to":{"experiment":"\#(b.id)","step":0},"range":[-1,2],"resolution":13}"#
                let l = try await client.landscape(json: body.data)
                let line = try #require(l.line)
                #expect(l.kind == "line" && l.from?.experimentId == a.id && l.to?.step == 0 && line.alphas.count == 13)
                // w(α) = (1 − 2α, 1 + α).
                for (alpha, value) in zip(line.alphas, line.values) {
                    let w1 = 1 - 2 * alpha, w2 = 1 + alpha
                    #expect(abs(value - 0.5 * (w1 * w1 + 4 * w2 * w2)) <= 1e-13 * max(1, value))
                }
            }
        }

        @Test func pcaPlaneOfARunAndItsDrawing() async throws {
            try await withServer { server in
                let client = server.client()
                let run = try await client.submit(json: Self.quadratic("[1,1]").data)
                _ = try await client.wait(id: run.id, timeout: .seconds(30))
                let body = #"{"kind":"pca","experiment":"\#(run.id)","resolution":7}"#
                let l = try await client.landscape(json: body.data)
                let path = try #require(l.path), grid = try #require(l.grid)
                #expect(path.steps.first == 0 && path.steps.last == 20 && path.xs.last == 0 && path.ys.last == 0)
                #expect(grid.values.count == 7 && abs((l.explainedVariance ?? []).reduce(0, +) - 1) < 1e-12)
                let svg = try await client.landscapeSVG(json: body.data)
                #expect(svg.hasPrefix("<svg") || svg.contains("<svg"))
            }
        }

        @Test func limitsAndMissingRunsAreClearErrors() async throws {
            try await withServer { server in
                let client = server.client()
                let cases: [(String, Int, String?, String?)] = [
                    (#"{"kind":"line","objective":{"type":"saddle"},"from":[0,0],"to":[1,1],"resolution":1002}"#, 422, "too_large", "resolution"),
                    (#"{"kind":"plane","objective":{"type":"saddle"},"at":[0,0],"indices":[0,2],"directions":"coordinates"}"#, 422, "out_of_range", "indices"),
                    (#"{"kind":"surface"}"#, 422, "invalid_value", "kind"),
                    (#"{"kind":"pca","experiment":"exp_missing"}"#, 404, "not_found", nil),
                ]
                for (body, status, code, field) in cases {
                    let error = await #expect(throws: ClientError.self, "\(body)") { try await client.landscape(json: body.data) }
                    #expect(error?.status == status && error?.apiError?.code == code && error?.apiError?.field == field, "\(body)")
                }
            }
        }
    }
}
