import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Each lecture preset run to its end with the core, in process, and checked against what its
/// description claims (the API's `everyPresetRuns` only checks that each one is accepted).
@Suite struct PresetClaimTests {
    /// The runs of preset `name`, keyed by experiment name (or by the grid value's `type`).
    private func runs(_ name: String) throws -> [String: RunResult] {
        let entry = try #require(PresetCatalog.entries.first { $0.name == name }, "no preset \(name)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any])
        var specs: [(String, [String: Any])] = []
        if entry.kind == "experiment" {
            specs = [(name, body)]
        } else if let list = body["experiments"] as? [[String: Any]] {
            specs = list.map { ($0["name"] as? String ?? "?", $0) }
        } else {
            let base = try #require(body["base"] as? [String: Any])
            let grid = try #require(body["grid"] as? [String: [[String: Any]]])
            #expect(grid.count == 1, "one grid axis")
            for (key, values) in grid {
                for v in values {
                    var spec = base
                    spec[key] = v
                    specs.append((v["type"] as? String ?? "?", spec))
                }
            }
        }
        var results: [String: RunResult] = [:]
        for (label, object) in specs {
            let data = try JSONSerialization.data(withJSONObject: object)
            let experiment = try JSONDecoder().decode(ExperimentSpec.self, from: data).validated()
            let result = experiment.run()
            #expect(result.summary.stepsRun == experiment.spec.steps, "\(name)/\(label) ran to its end")
            results[label] = result
        }
        return results
    }

    private func close(_ a: Double, _ b: Double, relative: Double) -> Bool { abs(a - b) <= relative * max(abs(a), abs(b)) }

    @Test func saddleEscapesFromNearTheOriginAndStaysAtIt() throws {
        let r = try runs("saddle-escape")
        let escape = try #require(r["saddle escape"]), stays = try #require(r["saddle: gradient descent from exactly the origin stays"])
        // (1 - w1*w2)^2 starts at ~1 next to the saddle; the escaping run reaches the valley w1*w2 = 1.
        #expect(escape.summary.finalLoss < 1e-6, "\(escape.summary.finalLoss)")
        #expect(stays.summary.finalParams == [0, 0])
        #expect(stays.summary.finalLoss == 1)
    }

    @Test func batchSizeOneMakesTwentyUpdatesPerEpochAndTwentyMakesOne() throws {
        let r = try runs("batch-size")
        let one = try #require(r["regression, batch size 1 (20 updates per epoch)"])
        let twenty = try #require(r["regression, batch size 20 (1 update per epoch)"])
        // Row s holds update s (0-based) and the epoch its batch came from; a last row holds the end point.
        #expect(one.trajectory.step.count == 201 && twenty.trajectory.step.count == 201)
        for (step, epoch) in zip(one.trajectory.step, one.trajectory.epoch) where step < 200 {
            #expect(epoch == step / 20, "batch size 1, update \(step): epoch \(epoch)")
        }
        for (step, epoch) in zip(twenty.trajectory.step, twenty.trajectory.epoch) where step < 200 {
            #expect(epoch == step, "batch size 20, update \(step): epoch \(epoch)")
        }
        #expect(one.trajectory.epochs.count == 10 && twenty.trajectory.epochs.count == 200)
    }

    @Test func momentumAndAdamBeatPlainGradientDescentOnTheIllConditionedQuadratic() throws {
        let r = try runs("momentum")
        let sgd = try #require(r["sgd"]?.summary.finalLoss), momentum = try #require(r["momentum_lecture"]?.summary.finalLoss)
        let adam = try #require(r["adam"]?.summary.finalLoss)
        // Plain GD with lr 0.019 < 2/100 converges along the stiff axis but crawls along the flat
        // one: (1 - 0.019)^400 of the start's loss 0.5·(1 + 100) is left, about 2e-4 here.
        #expect(sgd > 1e-4 && sgd < 1e-3, "sgd \(sgd)")
        #expect(momentum < 1e-15, "momentum \(momentum)")
        #expect(adam < sgd, "adam \(adam) vs sgd \(sgd)")
    }

    @Test func adaptiveOptimizersStartAtTheSamePointAndDescendRosenbrock() throws {
        let r = try runs("adaptive")
        #expect(r.count == 3)
        for (name, run) in r {
            #expect(Array(run.trajectory.params.prefix(2)) == [-1.2, 1], "\(name)")
            // Rosenbrock at (-1.2, 1) is 24.2.
            #expect(run.trajectory.loss.first.map { close($0, 24.2, relative: 1e-12) } == true, "\(name)")
            #expect(run.summary.finalLoss < 0.01 * 24.2, "\(name): \(run.summary.finalLoss)")
        }
    }

    @Test func warmupRampsLinearlyThenFollowsACosine() throws {
        let run = try #require(try runs("warmup")["warmup"])
        let t = run.trajectory
        for (step, lr) in zip(t.step, t.lr) {
            // PyTorch's LinearLR from 0.01·lr to lr over 100 steps, then CosineAnnealingLR(T_max 900, eta_min 1e-4).
            let expected = step < 100
                ? 0.01 * (0.01 + (1 - 0.01) * Double(step) / 100)
                : 1e-4 + (0.01 - 1e-4) * (1 + cos(Double.pi * Double(step - 100) / 900)) / 2
            #expect(close(lr, expected, relative: 1e-9), "step \(step): lr \(lr), expected \(expected)")
        }
    }

    @Test func batchNormRunsTrainBothNetworks() throws {
        let r = try runs("batch-norm")
        #expect(r.count == 2)
        // 2-16-16-1: (2·16 + 16) + (16·16 + 16) + (16 + 1) = 337 weights; batch norm adds a scale and
        // a shift per hidden unit, 2·(16 + 16) = 64 more.
        #expect(r["MLP on two moons, batch norm off"]?.summary.finalParams.count == 337)
        #expect(r["MLP on two moons, batch norm on"]?.summary.finalParams.count == 337 + 64)
        for (name, run) in r {
            #expect(run.summary.stopReason == .budget, "\(name)")
            #expect((run.summary.validationAccuracy ?? 0) > 0.8, "\(name): accuracy \(run.summary.validationAccuracy ?? .nan)")
        }
    }

    @Test func onlyATinyLearningRateIsStableWithoutFeatureNormalization() throws {
        let r = try runs("feature-normalization")
        let off = try #require(r["feature normalization off"]), on = try #require(r["feature normalization on"])
        #expect(off.summary.stopReason == .budget && on.summary.stopReason == .budget)
        #expect(on.summary.finalLoss < 0.5 * off.summary.finalLoss, "on \(on.summary.finalLoss) vs off \(off.summary.finalLoss)")
        // The normalized run's learning rate (0.1) on the raw features diverges.
        let entry = try #require(PresetCatalog.entries.first { $0.name == "feature-normalization" })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any])
        var raw = try #require((body["experiments"] as? [[String: Any]])?.first { $0["name"] as? String == "feature normalization off" })
        raw["optimizer"] = ["type": "sgd", "lr": 0.1]
        let fast = try JSONDecoder().decode(ExperimentSpec.self, from: JSONSerialization.data(withJSONObject: raw)).validated().run()
        #expect(fast.summary.stopReason == .diverged)
    }

    @Test func nextToTheSaddleNewtonConvergesToItWhileSaddleFreeNewtonAndTheCurvatureStepEscape() throws {
        let r = try runs("second-order-saddle")
        let gd = try #require(r["sgd"]?.summary), newton = try #require(r["newton"]?.summary)
        let free = try #require(r["saddle_free_newton"]?.summary), curvature = try #require(r["negative_curvature"]?.summary)
        // Newton moves to the critical point of the local quadratic model: the saddle, loss 1.
        #expect(abs(newton.finalLoss - 1) < 1e-12 && newton.finalParams.allSatisfy { abs($0) < 1e-12 }, "newton \(newton.finalLoss)")
        // Gradient descent grows the escape component by about 1.2 per step: after 30 steps it is still on the plateau.
        #expect(gd.finalLoss > 0.9, "gd \(gd.finalLoss)")
        #expect(free.finalLoss < 1e-12, "saddle-free \(free.finalLoss)")
        #expect(curvature.finalLoss < 1e-6, "negative curvature \(curvature.finalLoss)")
    }

    @Test func onRosenbrockBothNewtonStepsReachTheMinimumAndGradientDescentDoesNot() throws {
        let r = try runs("second-order-rosenbrock")
        let gd = try #require(r["sgd"]?.summary), newton = try #require(r["newton"]?.summary)
        let free = try #require(r["saddle_free_newton"]?.summary), curvature = try #require(r["negative_curvature"]?.summary)
        #expect(newton.finalLoss < 1e-20, "newton \(newton.finalLoss)")
        #expect(free.finalLoss < 1e-12, "saddle-free \(free.finalLoss)")
        #expect(gd.finalLoss > 1e-2, "gd \(gd.finalLoss)")
        // Far from flat ground the curvature variant is plain gradient descent: the same run.
        #expect(curvature.finalParams == gd.finalParams)
    }
}
