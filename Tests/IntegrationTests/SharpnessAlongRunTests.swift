import DescentClient
import Foundation
import Testing

extension Integration {
    /// `"analysis": {"sharpness_every": k}` through the running service: records, plot and errors.
    @Suite struct SharpnessAlongRun {
        /// A 2-16-16-1 MLP (337 parameters, so Lanczos) on 60 two-moons samples, batches of 16.
        static func mlp(_ analysis: String) -> String {
            """
            {"name":"sharpness mlp","seed":4,"objective":{"type":"mlp","hidden":[16,16],"activation":"tanh"},
             "dataset":{"type":"synthetic","generator":"two_moons","samples":60,"noise":0.1},
             "optimizer":{"type":"sgd","lr":0.1},"batch_size":16,"steps":23,"record_every":5\(analysis)}
            """
        }

        @Test func recordsArriveWithTheTrajectoryWhichIsBitIdenticalWithoutThem() async throws {
            try await withServer { server in
                let client = server.client()
                let pair = try await runAnalysedPair(client, analysed: Self.mlp(#","analysis":{"sharpness_every":10}"#),
                                                     plain: Self.mlp(""))
                #expect(pair.sameRun)
                #expect(pair.plain.sharpness == nil)
                let records = try #require(pair.analysed.sharpness)
                #expect(records.map(\.step) == [0, 10, 20, 23])
                #expect(records.allSatisfy { $0.lr == 0.1 && $0.lambdaMax > 0 && (0...1).contains($0.alignment) })
                // The experiment analysis route's top eigenvalue at the same recorded step (full training set).
                let spectrum = try await client.analyzeExperiment(id: pair.analysedID, json: #"{"step":10,"k":1}"#.data).spectrum
                #expect(abs(spectrum.topEigenvalues[0] - records[1].lambdaMax) <= 1e-8 * max(1, abs(records[1].lambdaMax)))
                let experiment = try await client.experiment(id: pair.analysedID)
                #expect(experiment.summary?.finalLoss == (try await client.experiment(id: pair.plainID)).summary?.finalLoss)
            }
        }

        @Test func plotDrawsSharpnessAgainstTwoOverEta() async throws {
            try await withServer { server in
                let client = server.client()
                let pair = try await runAnalysedPair(client, analysed: Self.mlp(#","analysis":{"sharpness_every":5}"#),
                                                     plain: Self.mlp(""))
                let svg = try await client.checked("GET", "/v1/experiments/\(pair.analysedID)/plot.svg?kind=sharpness")
                #expect(svg.headers["content-type"]?.hasPrefix("image/svg+xml") == true)
                #expect(svg.text.contains("<svg") && svg.text.contains("2/η") && svg.text.contains("λmax"))
                let missing = try await client.send("GET", "/v1/experiments/\(pair.plainID)/plot.svg?kind=sharpness")
                #expect(missing.status == 422)
                #expect(missing.text.contains("\"field\":\"kind\"") && missing.text.contains("sharpness_every"))
            }
        }

        @Test func badSpecsAnswer422NamingTheField() async throws {
            try await withServer { server in
                let client = server.client()
                let cases: [(String, String, String)] = [
                    (#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"analysis":{"sharpness_every":0}}"#,
                     "out_of_range", "analysis.sharpness_every"),
                    (#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"analysis":{"every":3}}"#,
                     "unknown_field", "analysis.every"),
                    (#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"analysis":{"sharpness_every":"often"}}"#,
                     "wrong_type", "analysis.sharpness_every"),
                    ("""
                     {"objective":{"type":"mlp","hidden":[4],"batch_norm":{}},"optimizer":{"type":"sgd"},"batch_size":4,
                      "dataset":{"type":"synthetic","generator":"two_moons","samples":20},"analysis":{"sharpness_every":5}}
                     """, "invalid_value", "analysis.sharpness_every"),
                ]
                for (body, code, field) in cases {
                    let error = await #expect(throws: ClientError.self, "\(body)") { try await client.submit(json: body.data) }
                    #expect(error?.status == 422 && error?.apiError?.code == code && error?.apiError?.field == field, "\(body)")
                }
            }
        }
    }
}
