import Testing
@testable import DescentCore

private func gd(_ lr: Double) -> OptimizerSpec { OptimizerSpec(.sgd, parameters: ["lr": .number(lr)]) }

@Test func gradientDescentEscapesTheSaddleFromNearTheOrigin() throws {
    let spec = ExperimentSpec(objective: ObjectiveSpec(.closedForm(.saddle)), optimizer: gd(0.1), start: [0.01, 0.02], steps: 500)
    let result = try spec.validated().run()
    // L(0.01, 0.02) ≈ 1; the escape reaches the valley w1·w2 = 1 where L < 1e-3.
    #expect(result.trajectory.loss[0] > 0.99)
    #expect(result.summary.finalLoss < 1e-3)
}

@Test func gradientDescentStaysAtTheSaddleFromExactlyTheOrigin() throws {
    let spec = ExperimentSpec(objective: ObjectiveSpec(.closedForm(.saddle)), optimizer: gd(0.1), start: [0, 0], steps: 500)
    let result = try spec.validated().run()
    #expect(result.summary.finalParams == [0, 0])
    #expect(result.summary.finalLoss == 1)
}

@Test func adamReachesTheRosenbrockMinimum() throws {
    let spec = ExperimentSpec(
        objective: ObjectiveSpec(.closedForm(.rosenbrock)),
        optimizer: OptimizerSpec(.adam, parameters: ["lr": .number(0.01)]),
        schedule: ScheduleSpec(.cosine, parameters: ["t_max": .number(20000)]),
        start: [-1.2, 1], steps: 20000, recordEvery: 100)
    let result = try spec.validated().run()
    #expect(abs(result.summary.finalParams[0] - 1) < 1e-3)
    #expect(abs(result.summary.finalParams[1] - 1) < 1e-3)
}

private func regression(batchSize: Int) -> ExperimentSpec {
    ExperimentSpec(
        seed: 1, objective: ObjectiveSpec(.model(.linearRegression)),
        dataset: DatasetSpec(.synthetic, parameters: ["generator": .string("linear"), "samples": .number(20)]),
        optimizer: gd(0.05), batchSize: batchSize, steps: 40)
}

@Test func batchSizeOneTakesTwentyUpdatesPerEpochOnTwentySamples() throws {
    let result = try regression(batchSize: 1).validated().run()
    #expect(result.trajectory.epochs.map(\.step) == [20, 40])
}

@Test func batchSizeTwentyTakesOneUpdatePerEpochOnTwentySamples() throws {
    let result = try regression(batchSize: 20).validated().run()
    #expect(result.trajectory.epochs.count == 40)
    #expect(result.trajectory.epochs.map(\.step) == Array(1...40))
}

@Test func momentumBeatsPlainGradientDescentOnAnIllConditionedQuadratic() throws {
    func run(_ optimizer: OptimizerSpec) throws -> Double {
        try ExperimentSpec(objective: ObjectiveSpec(.closedForm(.illConditioned), parameters: ["kappa": .number(100)]),
                           optimizer: optimizer, start: [1, 1], steps: 200).validated().run().summary.finalLoss
    }
    let plain = try run(gd(0.019))
    let heavy = try run(OptimizerSpec(.sgd, parameters: ["lr": .number(0.019), "momentum": .number(0.8)]))
    #expect(heavy < plain * 1e-3)
}
