import DescentClient
import Foundation
import Testing

extension Integration {
    /// ReduceLROnPlateau and SequentialLR through the running service and the libcurl client.
    @Suite struct PlateauSchedule {
        /// Adam on Rosenbrock oscillates in the valley, so the batch loss stalls and the rate drops.
        static let spec = """
            {"name":"plateau","tags":["it","plateau"],"objective":{"type":"rosenbrock"},
             "optimizer":{"type":"adam","lr":0.03},"start":[-1.2,1],"steps":400,
             "schedule":{"type":"reduce_on_plateau","factor":0.5,"patience":4,"threshold":1e-3,"cooldown":2,"min_lr":1e-3}}
            """

        @Test func servedRunEqualsTheCommandLineRunAndReducesTheRate() async throws {
            try await withServer { server in
                let client = server.client()
                let (_, served) = try await runServedAndCompared(client, Self.spec)
                // Each rate is the one before, or half of it, never below min_lr; the first is the optimizer's.
                let rates = try #require(served.lr)
                #expect(rates.first == 0.03)
                #expect(zip(rates, rates.dropFirst()).allSatisfy { $1 == $0 || $1 == max($0 * 0.5, 1e-3) })
                #expect(Set(rates).count >= 3)
                #expect(rates.allSatisfy { $0 >= 1e-3 })
            }
        }

        @Test func badParametersAre422NamingTheField() async throws {
            try await withServer { server in
                let client = server.client()
                let cases: [(String, String, String)] = [
                    (#"{"type":"reduce_on_plateau","factor":1}"#, "out_of_range", "schedule.factor"),
                    (#"{"type":"reduce_on_plateau","mode":"lowest"}"#, "invalid_value", "schedule.mode"),
                    (#"{"type":"reduce_on_plateau","patience":-1}"#, "out_of_range", "schedule.patience"),
                    (#"{"type":"linear_warmup","warmup_steps":5,"then":{"type":"reduce_on_plateau"}}"#, "invalid_value",
                     "schedule.then.type"),
                ]
                for (schedule, code, field) in cases {
                    let body = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"steps":10,"schedule":"# + schedule + "}"
                    let error = await #expect(throws: ClientError.self, "\(schedule)") { try await client.submit(json: body.data) }
                    #expect(error?.status == 422 && error?.apiError?.code == code && error?.apiError?.field == field,
                            "\(schedule): \(String(describing: error?.apiError))")
                }
            }
        }

        @Test func catalogListsItWithDefaultsAndRanges() async throws {
            try await withServer { server in
                let catalog = try await server.client().catalog()
                let plateau = try #require(catalog["schedules"]?.array?.first { $0["type"]?.string == "reduce_on_plateau" })
                let parameters = try #require(plateau["parameters"]?.array)
                #expect(parameters.compactMap { $0["name"]?.string }
                        == ["mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps", "metric"])
                let factor = parameters.first { $0["name"]?.string == "factor" }
                #expect(factor?["default"]?.double == 0.1 && factor?["range"]?.string == "(0, 1)")
                let patience = parameters.first { $0["name"]?.string == "patience" }
                #expect(patience?["default"]?.double == 10)
            }
        }
    }

    @Suite struct SequentialSchedule {
        static let spec = """
            {"name":"sequential","tags":["it","sequential"],"objective":{"type":"rosenbrock"},
             "optimizer":{"type":"sgd","lr":0.001,"momentum":0.9},"start":[-1.2,1],"steps":300,
             "schedule":{"type":"sequential","milestones":[50,150],
                         "schedules":[{"type":"linear","start_factor":0.1,"total_iters":50},
                                      {"type":"exponential","gamma":0.98},{"type":"constant_factor","factor":0.25,"total_iters":1000}]}}
            """

        @Test func servedRunEqualsTheCommandLineRunAndRestartsAtEachMilestone() async throws {
            try await withServer { server in
                let client = server.client()
                let (_, served) = try await runServedAndCompared(client, Self.spec)
                let rates = try #require(served.lr)
                #expect(rates[0] == 0.001 * 0.1)
                #expect(rates[50] == 0.001)
                #expect(rates[149] < 0.001 * 0.15 && rates[151] == 0.001 * 0.25 && rates[299] == 0.001 * 0.25)
            }
        }

        @Test func badSequencesAre422NamingTheField() async throws {
            try await withServer { server in
                let client = server.client()
                let cases: [(String, String, String)] = [
                    (#"{"type":"sequential","schedules":[{"type":"constant"},{"type":"constant"}],"milestones":[]}"#,
                     "invalid_value", "schedule.milestones"),
                    (#"{"type":"sequential","schedules":[{"type":"constant"},{"type":"bogus"}],"milestones":[3]}"#,
                     "unknown_type", "schedule.schedules[1].type"),
                ]
                for (schedule, code, field) in cases {
                    let body = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"steps":10,"schedule":"# + schedule + "}"
                    let error = await #expect(throws: ClientError.self, "\(schedule)") { try await client.submit(json: body.data) }
                    #expect(error?.status == 422 && error?.apiError?.code == code && error?.apiError?.field == field,
                            "\(schedule): \(String(describing: error?.apiError))")
                }
            }
        }
    }
}
