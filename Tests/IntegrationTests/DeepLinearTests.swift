import DescentClient
import Foundation
import Testing

extension Integration {
    /// The deep linear network objective through the running service.
    @Suite struct DeepLinearNetwork {
        /// ŷ = w1·w2·x on x = (1, 2), y = (2, 4): E[xy] = 5.
        static let objective = #"{"type":"deep_linear","depth":2,"width":1}"#
        static let dataset = #"{"type":"inline","x":[[1],[2]],"y":[2,4]}"#

        @Test func originIsClassifiedASaddleWithCurvatureTen() async throws {
            try await withServer { server in
                let client = server.client()
                let report = try await client.criticalPoint(json: """
                    {"objective":\(Self.objective),"dataset":\(Self.dataset),"point":[0,0]}
                    """.data)
                #expect(report.kind == "saddle")
                #expect(report.eigenvalues.count == 2 && abs(report.eigenvalues[0] + 10) < 1e-12 && abs(report.eigenvalues[1] - 10) < 1e-12)
            }
        }

        @Test func runFromTheStableManifoldEndsOnTheSaddle() async throws {
            try await withServer { server in
                let client = server.client()
                let run = try await client.submit(json: """
                    {"objective":\(Self.objective),"dataset":\(Self.dataset),"optimizer":{"type":"sgd","lr":0.01},
                     "start":[0.5,-0.5],"steps":2000}
                    """.data)
                let done = try await client.wait(id: run.id, timeout: .seconds(60))
                let summary = try #require(done.summary)
                let w = try #require(summary.finalParams)
                // Along w1 = −w2 the origin attracts: the loss mean(y²) = 10, w1 = −w2 exactly.
                #expect(summary.finalLoss == 10 && w.count == 2 && w[0] == -w[1] && abs(w[0]) < 1e-30)
            }
        }

        @Test func classificationDataAndBadDepthAnswer422() async throws {
            try await withServer { server in
                let client = server.client()
                let cases: [(String, String, String)] = [
                    (#"{"objective":{"type":"deep_linear"},"dataset":{"type":"synthetic","generator":"xor"},"optimizer":{"type":"sgd"}}"#,
                     "invalid_value", "dataset"),
                    (#"{"objective":{"type":"deep_linear","depth":0},"dataset":{"type":"synthetic","generator":"linear"},"optimizer":{"type":"sgd"}}"#,
                     "out_of_range", "objective.depth"),
                ]
                for (body, code, field) in cases {
                    let error = await #expect(throws: ClientError.self, "\(body)") { try await client.submit(json: body.data) }
                    #expect(error?.status == 422 && error?.apiError?.code == code && error?.apiError?.field == field, "\(body)")
                }
            }
        }
    }
}
