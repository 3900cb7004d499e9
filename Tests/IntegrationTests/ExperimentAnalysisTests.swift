import DescentClient
import Foundation
import Synchronization
import Testing

extension Integration {
    /// `POST /v1/experiments/{id}/analysis` through the libcurl client.
    @Suite struct ExperimentAnalysis {
        /// A 2-16-16-1 MLP (337 parameters) on 60 two-moons samples, batches of 16, every 5th step recorded.
        static let mlp = """
            {"name":"analysis mlp","tags":["it","analysis"],"seed":4,"objective":{"type":"mlp","hidden":[16,16],"activation":"tanh"},
             "dataset":{"type":"synthetic","generator":"two_moons","samples":60,"noise":0.1},
             "optimizer":{"type":"sgd","lr":0.1},"batch_size":16,"steps":20,"record_every":5}
            """

        @Test func spectrumAtARecordedStepHasLanczosEndsHutchinsonTraceAndDensity() async throws {
            try await withServer { server in
                let client = server.client()
                let run = try await client.submit(json: Self.mlp.data)
                _ = try await client.wait(id: run.id, timeout: .seconds(60))
                let body = #"{"step":10,"k":3,"trace":{"probes":20,"seed":1},"density":{"count":2,"steps":30,"points":50}}"#
                let a = try await client.analyzeExperiment(id: run.id, json: body.data)
                #expect(a.step == 10 && !a.final && a.batch.kind == "full" && a.batch.size == 60)
                let s = a.spectrum
                #expect(s.dimension == 337 && s.method == "lanczos" && s.converged)
                #expect(s.topEigenvalues.count == 3 && s.bottomEigenvalues.count == 3)
                #expect(s.topEigenvalues[0] >= s.topEigenvalues[2] && s.bottomEigenvalues[0] <= s.bottomEigenvalues[2])
                #expect(s.trace.method == "hutchinson" && s.trace.probes == 20 && (s.trace.standardError ?? 0) > 0)
                let density = try #require(s.density)
                #expect(density.moments.count == 4 && density.grid.count == 50)
                #expect(abs(density.weights.reduce(0, +) - 1) < 1e-12)
                #expect(s.negativeFractionMethod == "slq")
            }
        }

        @Test func topEigenvalueAgreesWithTheCriticalPointRouteAtTheSamePoint() async throws {
            try await withServer { server in
                let client = server.client()
                let run = try await client.submit(json: Self.mlp.data)
                _ = try await client.wait(id: run.id, timeout: .seconds(60))
                let a = try await client.analyzeExperiment(id: run.id, json: #"{"step":10,"k":1}"#.data)
                let rows = try await client.trajectory(id: run.id, Client.TrajectoryQuery(from: 10, to: 10, fields: ["params"]))
                let point = try #require(rows.params?.first)
                let cp = try await client.criticalPoint(json: """
                    {"objective":{"type":"mlp","hidden":[16,16],"activation":"tanh"},"seed":4,
                     "dataset":{"type":"synthetic","generator":"two_moons","samples":60,"noise":0.1},
                     "point":[\(point.map { "\($0)" }.joined(separator: ","))]}
                    """.data)
                let top = try #require(cp.eigenvalues.last)
                #expect(abs(a.spectrum.topEigenvalues[0] - top) <= 1e-9 * max(1, abs(top)))
            }
        }

        @Test func finalPointOnTheBatchOfTheLastStep() async throws {
            try await withServer { server in
                let client = server.client()
                let run = try await client.submit(json: Self.mlp.data)
                _ = try await client.wait(id: run.id, timeout: .seconds(60))
                let a = try await client.analyzeExperiment(id: run.id, json: #"{"batch":"step","k":2}"#.data)
                // Step 20 with 4 batches per epoch (16, 16, 16, 12): epoch 5, batch 0.
                #expect(a.final && a.step == 20)
                #expect(a.batch.kind == "epoch" && a.batch.epoch == 5 && a.batch.index == 0 && a.batch.size == 16)
            }
        }

        /// An analysis of some 300 Hessian-vector products: seconds of computation (debug build) without a suspension.
        static let heavyAnalysis = #"{"k":2,"trace":{"probes":300,"seed":1}}"#

        @Test func healthChecksAndStoreReadsAreAnsweredWhileAnalysesCompute() async throws {
            // One event loop serves every connection, so an analysis computed on it would hold every other
            // request; and as many analyses as the store's handler threads (`ServiceAPI.localIOExecutor`), so
            // analyses computed there would hold every store read.
            let analyses = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)
            try await withServer(environment: ["DESCENT_EVENT_LOOPS": "1"]) { server in
                let client = server.client()
                let run = try await client.submit(json: Self.mlp.data)
                _ = try await client.wait(id: run.id, timeout: .seconds(60))
                let running = RunningCount(analyses)
                let started = ContinuousClock.now
                let base = server.baseURL, id = run.id
                var tasks: [Task<Client.ExperimentAnalysis, any Error>] = []
                for _ in 0..<analyses {
                    tasks.append(Task {
                        defer { running.finishOne() }
                        return try await Client(baseURL: base, timeoutMilliseconds: 600_000).analyzeExperiment(id: id, json: Self.heavyAnalysis.data)
                    })
                }
                var answeredDuring = 0
                var slowest = Duration.zero
                while running.any {
                    let asked = ContinuousClock.now
                    let probe = server.client(timeoutMilliseconds: 5_000)
                    #expect(try await probe.health())
                    #expect(try await probe.experiment(id: run.id).id == run.id)
                    slowest = max(slowest, ContinuousClock.now - asked)
                    if running.any { answeredDuring += 1 }
                }
                for task in tasks { #expect(try await task.value.spectrum.trace.probes == 300) }
                let took = ContinuousClock.now - started
                // The premise: the analyses computed long enough for held threads to be noticed.
                #expect(took > .seconds(2), "the analyses took only \(took)")
                #expect(answeredDuring >= 3, "\(answeredDuring) probes answered during \(took)")
                #expect(slowest < .seconds(1), "slowest health check and store read \(slowest) during the analyses")
            }
        }

        @Test func badRequestsAnswerWithTheFieldAndCode() async throws {
            try await withServer { server in
                let client = server.client()
                let run = try await client.submit(json: Self.mlp.data)
                _ = try await client.wait(id: run.id, timeout: .seconds(60))
                let cases: [(String, Int, String, String?)] = [
                    (#"{"step":3}"#, 422, "step_not_recorded", "step"),
                    (#"{"k":33}"#, 422, "too_large", "k"),
                    (#"{"density":{"steps":0}}"#, 422, "out_of_range", "density.steps"),
                    (#"{"depth":1}"#, 422, "invalid_request", "depth"),
                    (#"{"density":{"probes":"basis","steps":300},"trace":{"method":"exact"}}"#, 422, "too_large", "density"),
                ]
                for (body, status, code, field) in cases {
                    let error = await #expect(throws: ClientError.self, "\(body)") {
                        try await client.analyzeExperiment(id: run.id, json: body.data)
                    }
                    #expect(error?.status == status && error?.apiError?.code == code && error?.apiError?.field == field, "\(body)")
                }
                let missing = await #expect(throws: ClientError.self) { try await client.analyzeExperiment(id: "nope", json: Data("{}".utf8)) }
                #expect(missing?.status == 404)
            }
        }
    }
}

/// How many concurrent tasks of a test are still running (shared with them).
final class RunningCount: Sendable {
    private let count: Mutex<Int>
    init(_ count: Int) { self.count = Mutex(count) }
    /// One task has finished.
    func finishOne() { count.withLock { $0 -= 1 } }
    /// Whether any task is still running.
    var any: Bool { count.withLock { $0 > 0 } }
}
