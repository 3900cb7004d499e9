import DescentClient
import Foundation
import Testing

extension Integration {
    /// `POST /v1/analysis/batch-cost` and its `.svg` twin through the libcurl client.
    @Suite struct BatchCosts {
        /// A 2-4-1 MLP on 40 two-moons samples.
        static let spec = """
            {"objective":{"type":"mlp","hidden":[4]},"dataset":{"type":"synthetic","generator":"two_moons","samples":40},
             "optimizer":{"type":"sgd","lr":0.05},"steps":1}
            """

        @Test func eachBatchSizeGetsItsUpdatesPerEpochAndTimesThatAddUp() async throws {
            try await withServer { server in
                let client = server.client()
                let body = #"{"spec":\#(Self.spec),"batch_sizes":[16,1,40],"epochs":2,"repeats":2}"#
                let r = try await client.batchCost(json: body.data)
                #expect(r.objective == "mlp" && r.dimension == 2 * 4 + 4 + 4 + 1 && r.samples == 40 && r.threads == 1 && r.clock == "thread_cpu")
                #expect(r.rows.map(\.batchSize) == [1, 16, 40] && r.rows.map(\.updatesPerEpoch) == [40, 3, 1])
                #expect(r.rows.map(\.updates) == [80, 6, 2])
                for row in r.rows {
                    #expect(row.secondsPerUpdate > 0 && row.secondsPerUpdate.isFinite)
                    #expect(abs(row.secondsPerEpoch - row.secondsPerUpdate * Double(row.updatesPerEpoch)) <= 1e-12 * row.secondsPerEpoch)
                    #expect(abs(row.secondsPerSampleGradient * Double(row.batchSize) - row.secondsPerUpdate) <= 1e-12 * row.secondsPerUpdate)
                }
                let svg = try await client.batchCostSVG(json: body.data)
                #expect(svg.contains("<svg") && svg.contains("per update") && svg.contains("per epoch"))
            }
        }

        @Test func limitsAndModelsWithoutDataAreClearErrors() async throws {
            try await withServer { server in
                let client = server.client()
                let sizes = (1...17).map(String.init).joined(separator: ",")
                let cases: [(String, Int, String?, String?)] = [
                    (#"{"spec":\#(Self.spec),"batch_sizes":[41]}"#, 422, "out_of_range", "batch_sizes[0]"),
                    (#"{"spec":\#(Self.spec),"batch_sizes":[\#(sizes)]}"#, 422, "too_large", "batch_sizes"),
                    (#"{"spec":\#(Self.spec),"batch_sizes":[2,2]}"#, 422, "invalid_value", "batch_sizes"),
                    (#"{"spec":\#(Self.spec),"batch_sizes":[1],"epochs":1001}"#, 422, "too_large", "epochs"),
                    (#"{"spec":\#(Self.spec),"batch_sizes":[1],"speed":1}"#, 422, "invalid_request", "speed"),
                    (#"{"batch_sizes":[1]}"#, 422, "invalid_value", "spec"),
                    (#"{"spec":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd","lr":0.001}},"batch_sizes":[1]}"#,
                     422, "invalid_value", "spec.objective"),
                    (#"{"spec":{"objective":{"type":"mlp"},"optimizer":{"type":"sgd"}},"batch_sizes":[1]}"#, 422, nil, nil),
                ]
                for (body, status, code, field) in cases {
                    let error = await #expect(throws: ClientError.self, "\(body)") { try await client.batchCost(json: body.data) }
                    #expect(error?.status == status, "\(body)")
                    if let code { #expect(error?.apiError?.code == code && error?.apiError?.field == field, "\(body): \(String(describing: error?.apiError))") }
                }
            }
        }
    }
}
