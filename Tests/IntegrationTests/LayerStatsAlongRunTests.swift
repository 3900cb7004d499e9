import DescentClient
import Foundation
import Testing

extension Integration {
    /// `"analysis": {"layer_stats": true}` through the running service: records, plot and errors.
    @Suite struct LayerStatsAlongRun {
        /// A 2-8-8-1 MLP with batch norm on 48 two-moons samples, batches of 16 (3 per epoch).
        static func mlp(_ analysis: String) -> String {
            """
            {"name":"layer stats mlp","seed":6,"objective":{"type":"mlp","hidden":[8,8],"activation":"relu","batch_norm":{}},
             "dataset":{"type":"synthetic","generator":"two_moons","samples":48,"noise":0.1},
             "optimizer":{"type":"sgd","lr":0.1,"momentum":0.9},"batch_size":16,"steps":9,"record_every":2\(analysis)}
            """
        }

        @Test func recordsArriveWithTheTrajectoryWhichIsBitIdenticalWithoutThemAndArePlotted() async throws {
            try await withServer { server in
                let client = server.client()
                let pair = try await runAnalysedPair(client, analysed: Self.mlp(#","analysis":{"layer_stats":true}"#),
                                                     plain: Self.mlp(""))
                #expect(pair.sameRun)
                #expect(pair.plain.layerStats == nil)
                let records = try #require(pair.analysed.layerStats)
                // Evaluations at step 0 and at each epoch's end (3, 6, 9), two hidden layers each.
                #expect(records.map(\.step) == [0, 0, 3, 3, 6, 6, 9, 9] && records.map(\.layer) == [0, 1, 0, 1, 0, 1, 0, 1])
                #expect(records.allSatisfy { $0.std > 0 && $0.normalizedMean != nil && $0.normalizedStd != nil })
                let svg = try await client.checked("GET", "/v1/experiments/\(pair.analysedID)/plot.svg?kind=layer_stats")
                #expect(svg.headers["content-type"]?.hasPrefix("image/svg+xml") == true)
                #expect(svg.text.contains("<svg") && svg.text.contains("layer 2 mean + std"))
                let missing = try await client.send("GET", "/v1/experiments/\(pair.plainID)/plot.svg?kind=layer_stats")
                #expect(missing.status == 422)
                #expect(missing.text.contains("\"field\":\"kind\"") && missing.text.contains("layer_stats"))
            }
        }

        @Test func badSpecsAnswer422NamingTheField() async throws {
            try await withServer { server in
                let client = server.client()
                let cases: [(String, String, String)] = [
                    (#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"analysis":{"layer_stats":true}}"#,
                     "invalid_value", "analysis.layer_stats"),
                    (#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"analysis":{"layer_stats":"yes"}}"#,
                     "wrong_type", "analysis.layer_stats"),
                    ("""
                     {"objective":{"type":"linear_regression"},"optimizer":{"type":"sgd"},
                      "dataset":{"type":"synthetic","generator":"two_moons","samples":20},"analysis":{"layer_stats":true}}
                     """, "invalid_value", "analysis.layer_stats"),
                ]
                for (body, code, field) in cases {
                    let error = await #expect(throws: ClientError.self, "\(body)") { try await client.submit(json: body.data) }
                    #expect(error?.status == 422 && error?.apiError?.code == code && error?.apiError?.field == field, "\(body)")
                }
            }
        }
    }
}
