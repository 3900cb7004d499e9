import Testing
@testable import DescentCore

/// `BatchCost.measure`: the runs it times, checked with a clock that ticks one second per reading.
@Suite struct BatchCostTests {
    private static let moons = SyntheticDataset.twoMoons(samples: 30, noise: 0.1, seed: 1)
    private static let mlp = MLPObjective(training: moons, hiddenLayers: [3], activation: .tanh)
    private static let sgd = OptimizerConfiguration.sgd(lr: 0.05, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)

    @Test func eachRunIsTheWholeEpochsOfItsBatchSizeTimedBetweenTwoReadings() {
        var now = 0.0
        let rows = BatchCost.measure(objective: Self.mlp, optimizer: Self.sgd, start: Self.mlp.initialParameters(seed: 1), seed: 0,
                                     batchSizes: [1, 4, 30], epochs: 3, repeats: 2, clock: { now += 1; return now })
        // One second per run (two readings); 3 epochs of ⌈30/B⌉ updates: 90, 24 and 3 updates.
        #expect(rows.map(\.batchSize) == [1, 4, 30] && rows.map(\.updatesPerEpoch) == [30, 8, 1] && rows.map(\.updates) == [90, 24, 3])
        for row in rows {
            #expect(row.secondsPerUpdate == 1 / Double(row.updates))
            #expect(row.secondsPerEpoch == row.secondsPerUpdate * Double(row.updatesPerEpoch))
            #expect(row.secondsPerSampleGradient == row.secondsPerUpdate / Double(row.batchSize))
        }
        // Two repeats of three batch sizes, two readings each.
        #expect(now == 12)
    }

    @Test func theFastestRepeatIsKept() {
        // Run k (1, 2) of a batch size takes 3 − k seconds: 2, then 1; three updates of 10 samples each.
        var readings = 0, now = 0.0
        let rows = BatchCost.measure(objective: Self.mlp, optimizer: Self.sgd, start: Self.mlp.initialParameters(seed: 1), seed: 0,
                                     batchSizes: [10], epochs: 1, repeats: 2, clock: {
                                         readings += 1
                                         if readings % 2 == 0 { now += Double(3 - readings / 2) }
                                         return now
                                     })
        #expect(rows.first?.secondsPerUpdate == 1.0 / 3 && rows.first?.updates == 3)
    }

    @Test func threadCPUTimeAdvancesWithWork() {
        let start = BatchCost.threadCPUSeconds()
        var x = 0.0
        for i in 0..<2_000_000 { x += Double(i).squareRoot() }
        #expect(x > 0 && BatchCost.threadCPUSeconds() > start)
    }
}

/// `BatchCost.measure(objectives:…)`: several ways of summing a batch timed side by side.
@Suite struct BatchCostSideBySideTests {
    @Test func eachRepeatRunsEveryObjectiveInTurnAndEachKeepsItsFastest() throws {
        let moons = SyntheticDataset.twoMoons(samples: 12, noise: 0.1, seed: 1)
        let mlp = MLPObjective(training: moons, hiddenLayers: [3], activation: .tanh)
        let lanes = try #require(BatchSplit.lanes.apply(to: mlp))
        let sgd = OptimizerConfiguration.sgd(lr: 0.05, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)
        // Runs alternate in-order, lanes, in-order, lanes; the k-th run (from 1) takes k seconds, so the in-order
        // figures come from runs 1 (B = 4) and 5 (B = 12), the lanes' from runs 2 and 6.
        var readings = 0, now = 0.0
        let rows = BatchCost.measure(objectives: [mlp, lanes], optimizer: sgd, start: mlp.initialParameters(seed: 1), seed: 0,
                                     batchSizes: [4, 12], epochs: 1, repeats: 2, clock: {
                                         readings += 1
                                         if readings % 2 == 0 { now += Double(readings / 2) }
                                         return now
                                     })
        #expect(readings == 16)
        #expect(rows.count == 2 && rows.allSatisfy { $0.map(\.batchSize) == [4, 12] && $0.map(\.updates) == [3, 1] })
        #expect(rows[0].map(\.secondsPerUpdate) == [1.0 / 3, 5] && rows[1].map(\.secondsPerUpdate) == [2.0 / 3, 6])
    }
}
