import DescentClient
import Foundation
import Testing

extension Integration {
    /// The lecture's scenarios, end to end through the service.
    @Suite struct LectureScenarios {
        @Test func saddleEscapesFromNearOriginButStaysAtExactOrigin() async throws {
            try await withServer { server in
                let client = server.client()
                let near = try await client.submit(json: Specs.saddle(start: [0.01, 0.02]).data)
                let exact = try await client.submit(json: Specs.saddle(start: [0, 0]).data)
                let escaped = try await client.wait(id: near.id, timeout: .seconds(60))
                let stayed = try await client.wait(id: exact.id, timeout: .seconds(60))
                #expect(escaped.status == .succeeded)
                #expect(stayed.status == .succeeded)
                // Escaping reaches the valley w₁w₂ = 1 where the loss is 0; the origin has loss exactly 1.
                let escapedLoss = try #require(escaped.summary?.finalLoss)
                #expect(escapedLoss < 1e-6)
                #expect(stayed.summary?.finalLoss == 1.0)
                #expect(stayed.summary?.finalParams == [0, 0])
            }
        }

        @Test func criticalPointAtOriginHasEigenvaluesPlusMinusTwoAndEscapeAlongDiagonal() async throws {
            try await withServer { server in
                let report = try await server.client().criticalPoint(json: """
                    {"objective":{"type":"saddle"},"point":[0,0],"step_length":1.0}
                    """.data)
                #expect(report.kind == "saddle")
                #expect(report.isCritical)
                #expect(report.gradientNorm == 0)
                let eigenvalues = report.eigenvalues.sorted()
                #expect(eigenvalues.count == 2)
                #expect(abs(eigenvalues[0] + 2) < 1e-12 && abs(eigenvalues[1] - 2) < 1e-12)
                // Hessian [[0, −2], [−2, 0]]: eigenvalue −2 has eigenvector ±(1, 1)/√2.
                let direction = try #require(report.escapeDirection)
                let r = 1 / 2.0.squareRoot()
                #expect(abs(abs(direction[0]) - r) < 1e-12 && abs(direction[0] - direction[1]) < 1e-12)
                #expect(abs((report.escapeEigenvalue ?? 0) + 2) < 1e-12)
                #expect(report.curvature == "indefinite")
                #expect(abs((report.predictedChange ?? 0) + 1) < 1e-12)  // ½(−2)·1²: a decrease of 1
            }
        }

        @Test func batchSizeOneMakesTwentyUpdatesPerEpochAndFullBatchOne() async throws {
            try await withServer { server in
                let client = server.client()
                let single = try await client.submit(json: Specs.regression(batchSize: 1).data)
                let full = try await client.submit(json: Specs.regression(batchSize: 20).data)
                for id in [single.id, full.id] { _ = try await client.wait(id: id, timeout: .seconds(60)) }
                let a = try await client.trajectory(id: single.id, allColumns)
                let b = try await client.trajectory(id: full.id, allColumns)
                // Steps at which each epoch ended: every 20 steps with batch 1, every step with batch 20.
                let endsA = (a.epochs ?? []).map(\.step)
                let endsB = (b.epochs ?? []).map(\.step)
                #expect(endsA.prefix(3) == [20, 40, 60])
                #expect(endsB.prefix(3) == [1, 2, 3])
                #expect(endsA.count == 3 && endsB.count == 60)
            }
        }

        @Test func momentumAndAdamBeatPlainGradientDescentOnIllConditionedQuadratic() async throws {
            try await withServer { server in
                let client = server.client()
                let study = try await client.createStudy(json: """
                    {"name":"ill-conditioned","base":{"objective":{"type":"ill_conditioned","dimension":2,"kappa":100},
                     "optimizer":{"type":"sgd","lr":0.019},"start":[1,1],"steps":200},
                     "grid":{"optimizer":[{"type":"sgd","lr":0.019},{"type":"momentum_lecture","lr":0.019,"momentum":0.8},
                                          {"type":"adam","lr":0.05}]}}
                    """.data)
                #expect(study.experiments.count == 3)
                let done = try await client.waitForStudy(id: study.id, timeout: .seconds(60))
                let losses = done.experiments.map { $0.finalLoss ?? .infinity }
                #expect(done.experiments.allSatisfy { $0.status == .succeeded })
                #expect(losses[1] < losses[0] / 100, "momentum \(losses[1]) vs sgd \(losses[0])")
                #expect(losses[2] < losses[0], "adam \(losses[2]) vs sgd \(losses[0])")
            }
        }

        @Test func batchNormOnAndOffStudyBothTrainTheMLP() async throws {
            try await withServer { server in
                let client = server.client()
                func mlp(_ label: String, _ batchNorm: String) -> String {
                    """
                    {"name":"\(label)","seed":4,"objective":{"type":"mlp","hidden":[16,16],"activation":"relu"\(batchNorm)},
                     "dataset":{"type":"synthetic","generator":"two_moons","samples":200,"noise":0.15,"validation_fraction":0.25},
                     "optimizer":{"type":"sgd","lr":0.1,"momentum":0.9},"batch_size":32,"steps":300,"record_params":false}
                    """
                }
                let body = "{\"name\":\"batch norm\",\"experiments\":[\(mlp("batch norm on", ",\"batch_norm\":{\"momentum\":0.9}")),\(mlp("batch norm off", ""))]}"
                let study = try await client.createStudy(json: body.data)
                let done = try await client.waitForStudy(id: study.id, timeout: .seconds(60))
                #expect(done.experiments.count == 2)
                for entry in done.experiments {
                    let experiment = try await client.experiment(id: entry.id)
                    #expect(experiment.status == .succeeded)
                    // Two moons is learnable: both variants must beat chance clearly on the validation set.
                    let accuracy = try #require(experiment.summary?.validationAccuracy)
                    #expect(accuracy > 0.8, "\(entry.label ?? entry.id): accuracy \(accuracy)")
                }
            }
        }

        @Test func warmupScheduleShowsInTheLearningRateColumn() async throws {
            try await withServer { server in
                let client = server.client()
                let submitted = try await client.submit(json: Specs.warmup.data)
                _ = try await client.wait(id: submitted.id, timeout: .seconds(60))
                let t = try await client.trajectory(id: submitted.id, Client.TrajectoryQuery(fields: ["lr"]))
                let lr = try #require(t.lr)
                #expect(lr.count == 201)  // rows for steps 0…200
                // Linear warm-up: lr_t = 0.01·(0.01 + 0.99·t/100) for t < 100 (torch LinearLR), then cosine from 0.01.
                #expect(abs(lr[0] - 1e-4) < 1e-15)
                #expect(abs(lr[50] - 0.01 * (0.01 + 0.99 * 0.5)) < 1e-12)
                #expect(zip(lr[0..<100], lr[1...100]).allSatisfy { $0 < $1 })
                #expect(abs(lr[100] - 0.01) < 1e-12)
                #expect(zip(lr[100..<200], lr[101...200]).allSatisfy { $0 >= $1 })
            }
        }
    }
}
