import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Each lecture preset run to its end with the core, in process, and checked against what its
/// description claims: which run wins and by roughly how much, with closed forms where there are
/// some (the API's `everyPresetRuns` only checks that each one is accepted).
@Suite struct PresetClaimTests {
    // MARK: saddle-escape

    @Test func saddleEscapesFromNearTheOriginAndStaysAtIt() async throws {
        let r = try await PresetRuns.of("saddle-escape")
        let escape = try r.result("saddle escape"), stays = try r.result("saddle: gradient descent from exactly the origin stays")
        // (1 - w1*w2)^2 starts at ~1 next to the saddle; the escaping run reaches the valley w1*w2 = 1.
        #expect(escape.summary.finalLoss < 1e-6, "\(escape.summary.finalLoss)")
        #expect(stays.summary.finalParams == [0, 0])
        #expect(stays.summary.finalLoss == 1)
    }

    // MARK: batch-size

    @Test func batchSizeOneMakesTwentyUpdatesPerEpochAndTwentyMakesOne() async throws {
        let r = try await PresetRuns.of("batch-size")
        let one = try r.result("regression, batch size 1"), twenty = try r.result("regression, batch size 20")
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

    @Test func batchSizesOneAndTwentyEndAtAboutTheSameLossAfterTheSameUpdates() async throws {
        let r = try await PresetRuns.of("batch-size")
        let one = try r.result("regression, batch size 1").summary.finalLoss
        let twenty = try r.result("regression, batch size 20").summary.finalLoss
        // The description's 0.0115 vs 0.0114.
        #expect(close(one, 0.0115, relative: 0.01) && close(twenty, 0.0114, relative: 0.01), "B=1 \(one), B=20 \(twenty)")
    }

    @Test func batchSizeTwentyFallsSmoothlyWhileBatchSizeOneIsJagged() async throws {
        let r = try await PresetRuns.of("batch-size")
        func rises(_ loss: [Double]) -> Int { zip(loss, loss.dropFirst()).filter { $1 > $0 }.count }
        // Full-batch gradient descent on a quadratic with lr below 2/λmax never raises the loss.
        #expect(rises(try r.result("regression, batch size 20").trajectory.loss) == 0)
        let one = try r.result("regression, batch size 1").trajectory.loss
        #expect(rises(one) > one.count / 4, "batch size 1: \(rises(one)) rises in \(one.count) rows")
    }

    // MARK: momentum

    @Test func plainGradientDescentFlipsW2EveryStepAndCrawlsAlongW1() async throws {
        let t = try await PresetRuns.of("momentum").result("plain gradient descent").trajectory
        // On diag(1, 100) each step multiplies w1 by 1 - 0.019 and w2 by 1 - 100·0.019 = -0.9.
        for row in 0..<t.count {
            let w = Array(t.parameters(atRow: row)), step = Double(t.step[row])
            #expect(close(w[0], pow(0.981, step), relative: 1e-12) && close(w[1], pow(-0.9, step), relative: 1e-12), "step \(step): \(w)")
        }
        let end = pow(0.981, 200.0), stiff = pow(0.9, 200.0)
        #expect(close(t.loss.last ?? .nan, 0.5 * (end * end + 100 * stiff * stiff), relative: 1e-12))
        #expect(close(t.loss.last ?? .nan, 2.3e-4, relative: 0.02), "\(t.loss.last ?? .nan)")
    }

    @Test func momentumShrinksBothDirectionsBySqrtLambdaPerStep() async throws {
        let r = try await PresetRuns.of("momentum")
        let momentum = try r.result("momentum, lecture form").summary.finalLoss
        // Both eigen-directions have complex roots of modulus √0.8, so the loss shrinks like 0.8^t from 0.5·(1 + 100).
        let envelope = 50.5 * pow(0.8, 200.0)
        #expect(momentum < 100 * envelope && momentum > envelope / 100, "momentum \(momentum), envelope \(envelope)")
        #expect(momentum < 1e-10 * (try r.result("plain gradient descent").summary.finalLoss))
    }

    @Test func lectureAndPyTorchMomentumTakeTheSamePath() async throws {
        let r = try await PresetRuns.of("momentum")
        let lecture = try r.result("momentum, lecture form").trajectory, torch = try r.result("momentum, PyTorch form").trajectory
        #expect(lecture.count == torch.count)
        for (a, b) in zip(lecture.params, torch.params) { #expect(abs(a - b) <= 1e-12, "\(a) vs \(b)") }
    }

    @Test func adamMovesAlongTheDiagonalAndEndsFarBelowPlainGradientDescent() async throws {
        let r = try await PresetRuns.of("momentum")
        let adam = try r.result("Adam")
        for row in 0..<adam.trajectory.count {
            let w = adam.trajectory.parameters(atRow: row)
            #expect(abs(w[w.startIndex] - w[w.startIndex + 1]) <= 1e-6, "row \(row): \(Array(w))")
        }
        #expect(close(adam.summary.finalLoss, 2.6e-9, relative: 0.05), "\(adam.summary.finalLoss)")
        #expect(adam.summary.finalLoss < 1e-4 * (try r.result("plain gradient descent").summary.finalLoss))
    }

    // MARK: adaptive

    @Test func adaptiveRunsStartTogetherAtRosenbrocksClassicPoint() async throws {
        let r = try await PresetRuns.of("adaptive")
        #expect(r.runs.count == 5)
        for (name, run) in r.runs {
            #expect(Array(run.result.trajectory.params.prefix(2)) == [-1.2, 1], "\(name)")
            // Rosenbrock at (-1.2, 1) is 24.2.
            #expect(run.result.trajectory.loss.first.map { close($0, 24.2, relative: 1e-12) } == true, "\(name)")
        }
    }

    @Test func lectureAdaGradSlowsDownWhereLectureRMSPropKeepsItsStride() async throws {
        let r = try await PresetRuns.of("adaptive")
        let adagrad = try r.result("AdaGrad, lecture form"), rmsprop = try r.result("RMSProp, lecture form")
        let stride = 0.001 * 2.0.squareRoot()  // a step of lr in each coordinate
        let adagradSteps = adagrad.trajectory.stepLengths, rmspropSteps = rmsprop.trajectory.stepLengths
        #expect(close(adagradSteps[0], stride, relative: 1e-9) && close(rmspropSteps[0], stride, relative: 1e-9))
        let later = adagradSteps[1000..<1100].reduce(0, +) / 100
        #expect(later < stride / 15, "AdaGrad's steps near step 1000: \(later)")
        let last = rmspropSteps.suffix(100).reduce(0, +) / 100
        #expect(last > 0.7 * stride && last < 1.3 * stride, "RMSProp's last steps: \(last)")
        #expect(adagrad.summary.finalLoss > 1 && rmsprop.summary.finalLoss < 1e-3,
                "AdaGrad \(adagrad.summary.finalLoss), RMSProp \(rmsprop.summary.finalLoss)")
    }

    @Test func pyTorchRMSpropFirstStepIsTenTimesTheLecturesThenEndsCloseBy() async throws {
        let r = try await PresetRuns.of("adaptive")
        let lecture = try r.result("RMSProp, lecture form"), torch = try r.result("RMSprop, PyTorch")
        // v₀ = 0 and α = 0.99: v₁ = 0.01·g², so the first step is lr·g/(0.1·|g|) = 10·lr per coordinate.
        let first = try #require(torch.trajectory.stepLengths.first)
        #expect(close(first, 10 * 0.001 * 2.0.squareRoot(), relative: 1e-7), "\(first)")
        let ratio = torch.summary.finalLoss / lecture.summary.finalLoss
        #expect(ratio > 0.5 && ratio < 2, "PyTorch \(torch.summary.finalLoss) vs lecture \(lecture.summary.finalLoss)")
    }

    @Test func adamReachesRosenbrocksMinimumAndPyTorchAdagradTheValleyFloor() async throws {
        let r = try await PresetRuns.of("adaptive")
        let adam = try r.result("Adam").summary, adagrad = try r.result("Adagrad, PyTorch").summary
        #expect(adagrad.finalLoss < 2e-4, "Adagrad \(adagrad.finalLoss)")
        #expect(adam.finalLoss < 1e-15, "Adam \(adam.finalLoss)")
        for (name, run) in r.runs where !name.hasPrefix("Adam") {
            #expect(adam.finalLoss < 1e-10 * run.result.summary.finalLoss, "\(name)")
        }
    }

    // MARK: warmup

    @Test func warmupRampsLinearlyThenFollowsACosine() async throws {
        let t = try await PresetRuns.of("warmup").result("warm-up").trajectory
        for (step, lr) in zip(t.step, t.lr) {
            // PyTorch's LinearLR from 0.01·lr to lr over 100 steps, then CosineAnnealingLR(T_max 900, eta_min 1e-4); lr 1.
            let expected = step < 100
                ? 0.01 + (1 - 0.01) * Double(step) / 100
                : 1e-4 + (1 - 1e-4) * (1 + cos(Double.pi * Double(step - 100) / 900)) / 2
            #expect(close(lr, expected, relative: 1e-9), "step \(step): lr \(lr), expected \(expected)")
        }
    }

    @Test func warmupTrainsWhereTheSameRateFromTheStartStalls() async throws {
        let r = try await PresetRuns.of("warmup")
        let warm = try r.result("warm-up"), cold = try r.result("no warm-up: lr 1")
        #expect(warm.summary.finalLoss < 1e-4 && warm.summary.validationAccuracy == 1, "\(warm.summary)")
        // Without warm-up the first epoch ends above the starting loss and the run never recovers.
        let start = try #require(cold.trajectory.loss.first), firstEpoch = try #require(cold.trajectory.epochs.first?.trainLoss)
        #expect(firstEpoch > 2 * start, "first epoch \(firstEpoch), start \(start)")
        #expect(cold.summary.finalLoss > 0.3 && (cold.summary.validationAccuracy ?? 1) < 0.9, "\(cold.summary)")
        #expect(warm.summary.finalLoss < 1e-3 * cold.summary.finalLoss)
    }

    @Test func warmupEndsFarBelowARateStableFromTheStart() async throws {
        let r = try await PresetRuns.of("warmup")
        let warm = try r.result("warm-up").summary.finalLoss, small = try r.result("no warm-up, 10× smaller lr").summary.finalLoss
        // The description's "60× above".
        #expect(small > 30 * warm && small < 120 * warm, "small lr \(small), warm-up \(warm)")
    }

    // MARK: batch-norm

    @Test func batchNormAddsAScaleAndShiftPerHiddenUnit() async throws {
        let r = try await PresetRuns.of("batch-norm")
        // 2-16-16-16-16-1: (2·16 + 16) + 3·(16·16 + 16) + (16 + 1) = 881 weights; batch norm adds γ and β
        // per hidden unit, 2·64 = 128 more.
        #expect(try r.result("4 ReLU layers, lr 0.5, no batch norm").summary.finalParams.count == 881)
        #expect(try r.result("4 ReLU layers, lr 0.5, batch norm").summary.finalParams.count == 881 + 128)
    }

    @Test func withoutBatchNormTheNetworkBlowsUpThenStallsAtLn2() async throws {
        let off = try await PresetRuns.of("batch-norm").result("4 ReLU layers, lr 0.5, no batch norm")
        let start = try #require(off.trajectory.loss.first), peak = try #require(off.trajectory.loss.max())
        #expect(peak > 10 * start, "peak \(peak), start \(start)")
        #expect(abs(off.summary.finalLoss - log(2)) < 0.05, "\(off.summary.finalLoss)")
        #expect((off.summary.validationAccuracy ?? 1) < 0.6)
    }

    @Test func withBatchNormTheSameRateTrains() async throws {
        let r = try await PresetRuns.of("batch-norm")
        let on = try r.result("4 ReLU layers, lr 0.5, batch norm").summary
        let off = try r.result("4 ReLU layers, lr 0.5, no batch norm").summary
        #expect(on.finalLoss < 0.05 && on.validationAccuracy == 1, "\(on)")
        #expect(on.finalLoss < off.finalLoss / 10)
    }

    @Test func batchNormSummaryShowsBatchAndRunningStatistics() async throws {
        let r = try await PresetRuns.of("batch-norm")
        let on = try r.run("4 ReLU layers, lr 0.5, batch norm")
        let summary = on.result.summary
        let running = try #require(summary.trainLoss), batch = try #require(summary.trainLossBatchStats)
        // The training-mode loss of the final parameters over the whole training set, computed again here.
        let model = try #require(on.experiment.objective as? MLPObjective)
        var buffers = model.initialBuffers(), gradient: [Double] = []
        #expect(batch == model.trainingStep(at: summary.finalParams, batch: .full, buffers: &buffers, gradient: &gradient))
        #expect(running == summary.finalLoss && running != batch)
        // The description's 0.0374 and 0.0377: by the end the running averages match the data's statistics.
        #expect(close(running, 0.0374, relative: 0.005) && close(batch, 0.0377, relative: 0.005), "running \(running), batch \(batch)")
        #expect(try r.result("4 ReLU layers, lr 0.5, no batch norm").summary.trainLossBatchStats == nil)
    }

    // MARK: feature-normalization

    /// x of the preset's samples.
    private static let x: [Double] = [100, 300, 200, 500, 400, 700, 600, 900]

    @Test func standardizingTurnsElongatedContoursIntoCircles() async throws {
        let r = try await PresetRuns.of("feature-normalization")
        let raw = try r.run("raw feature").experiment.objective, standardized = try r.run("standardized feature").experiment.objective
        // Raw: H = 2·[[E x², E x], [E x, 1]]; its eigenvalues from the trace and determinant.
        let ex = Self.x.reduce(0, +) / 8, ex2 = Self.x.map { $0 * $0 }.reduce(0, +) / 8
        let h = raw.hessian(at: [0, 0])
        #expect(close(h[0, 0], 2 * ex2, relative: 1e-12) && close(h[0, 1], 2 * ex, relative: 1e-12) && h[1, 1] == 2)
        let trace = 2 * ex2 + 2, determinant = 4 * (ex2 - ex * ex)
        let largest = (trace + (trace * trace - 4 * determinant).squareRoot()) / 2, smallest = determinant / largest
        // Contour axes go as 1/√λ: the raw ellipses are √κ ≈ 1,100 times longer than wide.
        let ratio = (largest / smallest).squareRoot()
        #expect(ratio > 1000 && ratio < 1200, "axis ratio \(ratio)")
        // The largest stable lr 2/λmax is 3.6e-6; the raw run's 2e-6 is under it.
        #expect(close(2 / largest, 3.6e-6, relative: 0.01) && 2e-6 < 2 / largest)
        // Standardized: E z = 0, E z² = 1, so H = 2I: circles.
        let s = standardized.hessian(at: [0, 0])
        #expect(abs(s[0, 0] - 2) < 1e-12 && abs(s[0, 1]) < 1e-12 && abs(s[1, 0]) < 1e-12 && abs(s[1, 1] - 2) < 1e-12)
    }

    @Test func standardizedRunShrinksTheDistanceToTheMinimumByFourFifthsPerStep() async throws {
        let run = try await PresetRuns.of("feature-normalization").result("standardized feature")
        let y = [-2.5, 1.0, -0.7, 4.9, 3.4, 9.3, 7.1, 13.1]
        // Least squares on z = (x − mean)/std (population std): w* = E[z·y], b* = E[y].
        let mean = Self.x.reduce(0, +) / 8
        let std = (Self.x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8).squareRoot()
        let z = Self.x.map { ($0 - mean) / std }
        let w = zip(z, y).map { $0 * $1 }.reduce(0, +) / 8, b = y.reduce(0, +) / 8
        let minimum = zip(z, y).map { (w * $0 + b - $1) * (w * $0 + b - $1) }.reduce(0, +) / 8
        let t = run.trajectory
        let initial = (w * w + b * b).squareRoot()
        for row in 0...40 {
            let p = t.parameters(atRow: row)
            let distance = ((p[p.startIndex] - w) * (p[p.startIndex] - w) + (p[p.startIndex + 1] - b) * (p[p.startIndex + 1] - b)).squareRoot()
            // θ − θ* shrinks by 1 − 2·0.1 = 0.8 a step, along the straight line to θ*.
            #expect(close(distance, pow(0.8, Double(t.step[row])) * initial, relative: 1e-9), "step \(t.step[row])")
        }
        #expect(close(run.summary.finalLoss, minimum, relative: 1e-9) && close(minimum, 0.0311, relative: 0.01), "\(run.summary.finalLoss)")
    }

    @Test func rawRunIsStillFarAfterFiveHundredStepsAndDivergesAtTheStandardizedRate() async throws {
        let r = try await PresetRuns.of("feature-normalization")
        let raw = try r.result("raw feature").summary, standardized = try r.result("standardized feature").summary
        #expect(raw.stopReason == .budget && standardized.stopReason == .budget)
        #expect(close(raw.finalLoss, 4.9, relative: 0.02) && raw.finalLoss > 100 * standardized.finalLoss, "raw \(raw.finalLoss)")
        let entry = try #require(PresetCatalog.entries.first { $0.name == "feature-normalization" })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any])
        var fast = try #require((body["experiments"] as? [[String: Any]])?.first { ($0["name"] as? String)?.hasPrefix("raw") == true })
        fast["optimizer"] = ["type": "sgd", "lr": 0.1]
        #expect(try PresetRuns.experiment(fast).run().summary.stopReason == .diverged)
    }

    // MARK: second-order steps

    @Test func nextToTheSaddleNewtonConvergesToItWhileSaddleFreeNewtonAndTheCurvatureStepEscape() async throws {
        let r = try await PresetRuns.of("second-order-saddle")
        let gd = try r.result("gradient descent").summary, newton = try r.result("newton").summary
        let free = try r.result("saddle-free newton").summary, curvature = try r.result("negative-curvature").summary
        // Newton moves to the critical point of the local quadratic model: the saddle, loss 1.
        #expect(abs(newton.finalLoss - 1) < 1e-12 && newton.finalParams.allSatisfy { abs($0) < 1e-12 }, "newton \(newton.finalLoss)")
        // Gradient descent grows the escape component by about 1.2 per step: after 30 steps it is still on the plateau.
        #expect(gd.finalLoss > 0.9, "gd \(gd.finalLoss)")
        #expect(free.finalLoss < 1e-12, "saddle-free \(free.finalLoss)")
        #expect(curvature.finalLoss < 1e-6, "negative curvature \(curvature.finalLoss)")
    }

    @Test func onRosenbrockBothNewtonStepsReachTheMinimumAndGradientDescentDoesNot() async throws {
        let r = try await PresetRuns.of("second-order-rosenbrock")
        let gd = try r.result("gradient descent").summary, newton = try r.result("newton").summary
        let free = try r.result("saddle-free newton").summary, curvature = try r.result("negative-curvature").summary
        #expect(newton.finalLoss < 1e-20, "newton \(newton.finalLoss)")
        #expect(free.finalLoss < 1e-12, "saddle-free \(free.finalLoss)")
        #expect(gd.finalLoss > 1e-2, "gd \(gd.finalLoss)")
        // Far from flat ground the curvature variant is plain gradient descent: the same run.
        #expect(curvature.finalParams == gd.finalParams)
    }
}
