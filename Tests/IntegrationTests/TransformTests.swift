import DescentClient
import Foundation
import Testing

extension Integration {
    /// Gradient transforms and parameter averages through the running service and the libcurl client.
    @Suite struct Transforms {
        /// Rosenbrock with Adam, clipped and noisy gradients, and an EMA of the parameters.
        static let spec = """
            {"name":"transforms","tags":["it","transforms"],"seed":3,"objective":{"type":"rosenbrock"},
             "optimizer":{"type":"adam","lr":0.01},"start":[-1.2,1],"steps":400,
             "transforms":[{"type":"clip_grad_norm","max_norm":5},{"type":"gradient_noise","eta":0.05},{"type":"ema","decay":0.95}]}
            """

        @Test func servedRunEqualsTheCommandLineRunAndReportsTheAveragedPoint() async throws {
            try await withServer { server in
                let client = server.client()
                let submitted = try await client.submit(json: Self.spec.data)
                let done = try await client.wait(id: submitted.id, timeout: .seconds(60))
                #expect(done.status == .succeeded)
                let summary = try #require(done.summary)
                let averaged = try #require(summary.averagedParams)
                #expect(averaged.count == 2)
                // The EMA of the last ~20 iterates lags the iterate but lies on the valley's scale.
                #expect(averaged != summary.finalParams && averaged.allSatisfy { abs($0) < 3 })
                let loss = try #require(summary.averagedLoss)
                let (x, y) = (averaged[0], averaged[1])
                #expect(abs(loss - (100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x))) <= 1e-12 * max(1, loss))
                // The noise is seeded: the service's run is the command line's, bit for bit.
                let served = try await client.trajectory(id: submitted.id, allColumns)
                #expect(bitIdentical(served, try referenceTrajectory(Self.spec)))
                // The stored spec keeps the list in order.
                let types = done.spec?["transforms"]?.array?.compactMap { $0["type"]?.string }
                #expect(types == ["clip_grad_norm", "gradient_noise", "ema"])
            }
        }

        @Test func badTransformsAre422NamingTheField() async throws {
            try await withServer { server in
                let client = server.client()
                let cases: [(String, String, String)] = [
                    (#"[{"type":"clip_grad_norm"}]"#, "missing_field", "transforms[0].max_norm"),
                    (#"[{"type":"clip_grad_value","clip_value":-1}]"#, "out_of_range", "transforms[0].clip_value"),
                    (#"[{"type":"clip_everything"}]"#, "unknown_type", "transforms[0].type"),
                    (#"[{"type":"ema"},{"type":"polyak"}]"#, "invalid_value", "transforms[1]"),
                ]
                for (transforms, code, field) in cases {
                    let body = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"steps":10,"transforms":"# + transforms + "}"
                    let error = await #expect(throws: ClientError.self, "\(transforms)") { try await client.submit(json: body.data) }
                    #expect(error?.status == 422 && error?.apiError?.code == code && error?.apiError?.field == field, "\(transforms)")
                }
            }
        }

        /// Gradient accumulation and momentum cycling through the service: the served run is the command line's,
        /// and a cycle for an optimizer torch cannot cycle is a 422 naming the field.
        @Test func accumulationAndMomentumCyclingRunAsOnTheCommandLine() async throws {
            let spec = """
                {"name":"accumulate","tags":["it"],"seed":4,"objective":{"type":"linear_regression"},
                 "dataset":{"type":"synthetic","generator":"linear","samples":40,"features":2,"validation_fraction":0.25},
                 "optimizer":{"type":"sgd","lr":0.02,"momentum":0.9},"batch_size":4,"epochs":6,
                 "transforms":[{"type":"accumulate","steps":3},{"type":"clip_grad_norm","max_norm":1}],
                 "schedule":{"type":"cyclic","max_lr":0.05,"step_size_up":5,"cycle_momentum":true}}
                """
            try await withServer { server in
                let client = server.client()
                let submitted = try await client.submit(json: spec.data)
                let done = try await client.wait(id: submitted.id, timeout: .seconds(60))
                #expect(done.status == .succeeded)
                // 30 training samples in batches of 4: 8 per epoch, ⌊6 × 8 / 3⌋ = 16 updates.
                #expect(done.summary?.stepsRun == 16)
                let served = try await client.trajectory(id: submitted.id, allColumns)
                #expect(bitIdentical(served, try referenceTrajectory(spec)))
                let body = #"{"objective":{"type":"saddle"},"optimizer":{"type":"adagrad"},"steps":10,"#
                    + #""schedule":{"type":"one_cycle","cycle_momentum":true}}"#
                let error = await #expect(throws: ClientError.self) { try await client.submit(json: body.data) }
                #expect(error?.status == 422 && error?.apiError?.field == "schedule.cycle_momentum")
            }
        }

        @Test func catalogListsTheTransformsWithDefaults() async throws {
            try await withServer { server in
                let catalog = try await server.client().catalog()
                let types = try #require(catalog["transforms"]?.array)
                #expect(types.compactMap { $0["type"]?.string } == ["clip_grad_norm", "clip_grad_value", "gradient_noise", "ema", "polyak", "accumulate"])
                let noise = try #require(types.first { $0["type"]?.string == "gradient_noise" })
                let gamma = noise["parameters"]?.array?.first { $0["name"]?.string == "gamma" }
                #expect(gamma?["default"]?.double == 0.55 && gamma?["range"]?.string == "[0, inf)")
            }
        }
    }
}
