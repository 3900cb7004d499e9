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

        @Test func aLaneSplitIsTimedBesideTheInOrderSumAtTheSameBatchSizes() async throws {
            try await withServer { server in
                let client = server.client()
                let body = #"{"spec":\#(Self.spec),"batch_sizes":[1,4,40],"epochs":2,"repeats":1,"split":"lanes"}"#
                let r = try await client.batchCost(json: body.data)
                #expect(r.split == "lanes" && r.splitWidth == 4 && r.rows.map(\.batchSize) == [1, 4, 40])
                let split = try #require(r.splitRows)
                #expect(split.map(\.batchSize) == [1, 4, 40] && split.map(\.updates) == [80, 20, 2])
                #expect(split.allSatisfy { $0.secondsPerUpdate > 0 && $0.secondsPerUpdate.isFinite })
                let svg = try await client.batchCostSVG(json: body.data)
                #expect(svg.contains("in order") && svg.contains("lanes (4 samples at once)"))
                let plain = try await client.batchCost(json: #"{"spec":\#(Self.spec),"batch_sizes":[8],"epochs":1,"repeats":1}"#.data)
                #expect(plain.split == "none" && plain.splitWidth == 1 && plain.splitRows == nil)
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
                    (#"{"spec":\#(Self.spec),"batch_sizes":[1],"split":"threads"}"#, 422, "invalid_value", "split"),
                    (#"{"spec":\#(Self.spec),"batch_sizes":[1],"split":4}"#, 422, "invalid_value", "split"),
                    (#"{"spec":{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":20},"#
                     + #""optimizer":{"type":"sgd","lr":0.01},"steps":1},"batch_sizes":[1],"split":"lanes"}"#, 422, "invalid_value", "split"),
                    (#"{"spec":{"objective":{"type":"mlp","hidden":[4],"batch_norm":{"momentum":0.9}},"#
                     + #""dataset":{"type":"synthetic","generator":"two_moons","samples":40},"optimizer":{"type":"sgd","lr":0.05},"steps":1},"#
                     + #""batch_sizes":[2],"split":"lanes"}"#, 422, "invalid_value", "split"),
                    (#"{"spec":{"objective":{"type":"mlp","hidden":[4],"batch_norm":{"momentum":0.9}},"#
                     + #""dataset":{"type":"synthetic","generator":"two_moons","samples":40},"optimizer":{"type":"sgd","lr":0.05},"steps":1},"#
                     + #""batch_sizes":[4,1]}"#, 422, "invalid_value", "batch_sizes[1]"),
                    (#"{"spec":{"objective":{"type":"mlp","hidden":[4],"batch_norm":{"momentum":0.9}},"#
                     + #""dataset":{"type":"synthetic","generator":"two_moons","samples":40},"optimizer":{"type":"sgd","lr":0.05},"steps":1},"#
                     + #""batch_sizes":[3]}"#, 422, "invalid_value", "batch_sizes[0]"),
                    (#"{"spec":{"objective":{"type":"mlp","hidden":[4]},"dataset":{"type":"synthetic","generator":"two_moons","samples":40},"#
                     + #""optimizer":{"type":"lbfgs"},"steps":1},"batch_sizes":[1]}"#, 422, "invalid_value", "spec.optimizer.type"),
                    (#"{"spec":{"objective":{"type":"mlp","hidden":[4]},"dataset":{"type":"synthetic","generator":"two_moons","samples":40},"#
                     + #""optimizer":{"type":"sgd","lr":0.05},"schedule":{"type":"cosine","t_max":10},"steps":1},"batch_sizes":[1]}"#,
                     422, "invalid_value", "spec.schedule"),
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
