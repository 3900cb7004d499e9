import DescentClient
import Foundation
import Testing

extension Integration {
    /// Parameter groups (torch's `param_groups`) through the running service and the libcurl client.
    @Suite struct ParameterGroups {
        /// A batch-normalised MLP on two moons with AdamW: no decay on biases and batch norm, a slower first layer.
        static let spec = """
            {"name":"groups","tags":["it","groups"],"seed":7,"objective":{"type":"mlp","hidden":[6,4],"batch_norm":{}},
             "dataset":{"type":"synthetic","generator":"two_moons","samples":64},"batch_size":16,"steps":120,
             "optimizer":{"type":"adamw","lr":0.01,"weight_decay":0.1,
                          "param_groups":[{"params":["bias","bn"],"weight_decay":0},{"params":["layer1.weight"],"lr":0}]},
             "schedule":{"type":"cosine","t_max":120}}
            """

        @Test func servedRunEqualsTheCommandLineRunAndFreezesTheGroupAtRateZero() async throws {
            try await withServer { server in
                let client = server.client()
                let (done, served) = try await runServedAndCompared(client, Self.spec)
                // layer1.weight (6 × 2 values, first in θ) is in the group with lr 0: it never moves.
                let first = try #require(served.params?.first), last = try #require(done.summary?.finalParams)
                #expect(Array(last.prefix(12)) == Array(first.prefix(12)))
                #expect(Array(last.dropFirst(12)) != Array(first.dropFirst(12)))
                let groups = done.spec?["optimizer"]?["param_groups"]?.array
                #expect(groups?.count == 2)
            }
        }

        @Test func badGroupsAre422NamingTheField() async throws {
            try await withServer { server in
                let client = server.client()
                let cases: [(String, String, String)] = [
                    (#"[{"params":["layer9.weight"]}]"#, "invalid_value", "optimizer.param_groups[0].params[0]"),
                    (#"[{"params":["bias"]},{"params":["layer2.bias"]}]"#, "invalid_value", "optimizer.param_groups[1].params[0]"),
                    (#"[{"params":["bias"],"momentum":0.9}]"#, "unknown_field", "optimizer.param_groups[0].momentum"),
                    (#"[{"params":["bias"],"lr":-1}]"#, "out_of_range", "optimizer.param_groups[0].lr"),
                    (#"[{"lr":0.1}]"#, "missing_field", "optimizer.param_groups[0].params"),
                ]
                for (groups, code, field) in cases {
                    let body = #"{"objective":{"type":"mlp","hidden":[4]},"dataset":{"type":"synthetic","generator":"two_moons","samples":16},"#
                        + #""optimizer":{"type":"adam","param_groups":"# + groups + "},\"steps\":5}"
                    let error = await #expect(throws: ClientError.self, "\(groups)") { try await client.submit(json: body.data) }
                    #expect(error?.status == 422 && error?.apiError?.code == code && error?.apiError?.field == field,
                            "\(groups): \(String(describing: error?.apiError))")
                }
            }
        }
    }
}
