import Testing
@testable import DescentCore

/// ½a·x² in one variable, a private test objective.
private struct Parabola: Objective {
    var a: Double
    var dimension: Int { 1 }
    func value(at theta: [Double], batch: Batch) -> Double { 0.5 * a * theta[0] * theta[0] }
    func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double {
        gradient[0] = a * theta[0]
        return value(at: theta, batch: batch)
    }
    func hessian(at theta: [Double]) -> Matrix { Matrix([[a]]) }
}

private func sgd(_ lr: Double) -> OptimizerConfiguration {
    .sgd(lr: lr, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)
}

@Test func trainerRecordsEveryStepAndTheFinalPoint() {
    let config = TrainingConfiguration(start: [2], steps: 5, learningRate: 0.1)
    let result = Trainer.run(objective: Parabola(a: 1), optimizer: sgd(0.1), configuration: config)
    #expect(result.trajectory.step == [0, 1, 2, 3, 4, 5])
    #expect(result.trajectory.params.count == 6)
    #expect(result.summary.stopReason == .budget)
    #expect(result.summary.stepsRun == 5)
    // x_t = 0.9^t·2, the recorded params are θ before each update.
    for t in 0...5 { #expect(relClose(result.trajectory.params[t], 2 * LibM.pow(0.9, Double(t)), 1e-14)) }
    #expect(relClose(result.summary.finalLoss, 0.5 * result.summary.finalParams[0] * result.summary.finalParams[0], 1e-15))
}

@Test func trainerRecordsEveryKthStepWithoutParams() {
    var config = TrainingConfiguration(start: [2], steps: 10, learningRate: 0.1)
    config.recordEvery = 4
    config.recordParams = false
    let result = Trainer.run(objective: Parabola(a: 1), optimizer: sgd(0.1), configuration: config)
    #expect(result.trajectory.step == [0, 4, 8, 10])
    #expect(result.trajectory.params.isEmpty)
}

@Test func trainerStopsAtGradientTolerance() {
    var config = TrainingConfiguration(start: [1], steps: 1000, learningRate: 0.5)
    config.gradNormTolerance = 1e-3
    let result = Trainer.run(objective: Parabola(a: 1), optimizer: sgd(0.5), configuration: config)
    // |g_t| = 0.5^t ≤ 1e-3 first at t = 10.
    #expect(result.summary.stopReason == .gradientTolerance)
    #expect(result.summary.stepsRun == 10)
}

@Test func trainerStopsAtLossTarget() {
    var config = TrainingConfiguration(start: [1], steps: 1000, learningRate: 0.5)
    config.lossTarget = 0.5 * 1e-4
    let result = Trainer.run(objective: Parabola(a: 1), optimizer: sgd(0.5), configuration: config)
    #expect(result.summary.stopReason == .lossTarget)
    #expect(result.trajectory.loss.last.map { $0 <= 0.5e-4 } == true)
}

@Test func trainerDetectsDivergence() {
    // ηa = 3 ⇒ x_t = (−2)^t: the loss grows 4× per step and passes 1e6 × initial after 10 steps.
    let config = TrainingConfiguration(start: [1], steps: 1000, learningRate: 3)
    let result = Trainer.run(objective: Parabola(a: 1), optimizer: sgd(3), configuration: config)
    #expect(result.summary.stopReason == .diverged)
    #expect(result.summary.stepsRun == 10)
}

@Test func trainerStopsWhenCancelled() {
    let control = RunControl()
    let config = TrainingConfiguration(start: [1], steps: 1_000_000, learningRate: 0.01)
    let result = Trainer.run(objective: Parabola(a: 1), optimizer: sgd(0.01), configuration: config,
                             control: control, progressEvery: 100) { chunk in
        if chunk.stepsDone >= 300 { control.cancel() }
    }
    #expect(result.summary.stopReason == .cancelled)
    #expect(result.summary.stepsRun == 300)
}

@Test func progressChunksConcatenateToTheTrajectory() {
    let config = TrainingConfiguration(start: [1], steps: 1000, learningRate: 0.01)
    var steps: [Int] = []
    var done: [Int] = []
    let result = Trainer.run(objective: Parabola(a: 1), optimizer: sgd(0.01), configuration: config,
                             progressEvery: 128) { chunk in
        steps += chunk.records.step
        done.append(chunk.stepsDone)
    }
    #expect(steps == result.trajectory.step)
    #expect(done.first == 128 && done.last == 1000)
}

@Test func datasetTrainingRecordsOneEpochPerPassWithValidation() {
    let data = SyntheticDataset.linear(samples: 40, features: 2, noise: 0.1, seed: 3)
    let parts = data.split(validationFraction: 0.25, seed: 1)
    let objective = LinearRegressionObjective(training: parts.training, validation: parts.validation)
    var config = TrainingConfiguration(start: [0, 0, 0], steps: 30, learningRate: 0.05)
    config.batchSize = 10
    let result = Trainer.run(objective: objective, optimizer: sgd(0.05), configuration: config)
    // 30 training samples, B = 10 ⇒ 3 updates per epoch ⇒ 10 epochs.
    #expect(result.trajectory.epochs.map(\.epoch) == Array(0..<10))
    #expect(result.trajectory.epochs.map(\.step) == stride(from: 3, through: 30, by: 3).map { $0 })
    #expect(result.trajectory.epochs.allSatisfy { $0.validationLoss != nil })
    #expect(result.trajectory.epoch.prefix(7) == [0, 0, 0, 1, 1, 1, 2])
    #expect(result.summary.validationLoss != nil)
}

@Suite struct BestLossTests {
    @Test func bestLossNeverExceedsFinalLoss() throws {
        let spec = try ExperimentSpec(checking: .object([
            "objective": .object(["type": .string("ill_conditioned"), "dimension": .number(2), "kappa": .number(100)]),
            "optimizer": .object(["type": .string("sgd"), "lr": .number(0.019)]),
            "start": .array([.number(1), .number(1)]), "steps": .number(200),
        ]))
        let summary = try spec.validated().run().summary
        #expect(summary.bestLoss <= summary.finalLoss)
        #expect(summary.bestLoss == summary.finalLoss && summary.bestStep == 200)
    }
}
