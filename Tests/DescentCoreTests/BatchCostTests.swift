import Testing
@testable import DescentCore

/// `BatchCost.measure`: the runs it times, checked with a clock under the test's control. Each repeat of a batch size
/// reads the clock three times: before the long run (epochs × ⌈N/B⌉ + 1 updates), between it and the short run
/// (1 update), and after.
@Suite struct BatchCostTests {
    private static let moons = SyntheticDataset.twoMoons(samples: 30, noise: 0.1, seed: 1)
    private static let mlp = MLPObjective(training: moons, hiddenLayers: [3], activation: .tanh)
    private static let sgd = OptimizerConfiguration.sgd(lr: 0.05, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)

    @Test func theFigureIsTheLongRunLessTheShortRunOverTheUpdatesBetween() {
        // The long run takes 10 s, the short one 4 s: 6 s for the epochs' updates, whatever else both runs do.
        var readings = 0, now = 0.0
        let rows = BatchCost.measure(objective: Self.mlp, optimizer: Self.sgd, start: Self.mlp.initialParameters(seed: 1), seed: 0,
                                     batchSizes: [1, 4, 30], epochs: 3, repeats: 2, clock: {
                                         readings += 1
                                         switch readings % 3 {
                                         case 2: now += 10  // the long run ended
                                         case 0: now += 4  // the short run ended
                                         default: break
                                         }
                                         return now
                                     })
        // 3 epochs of ⌈30/B⌉ updates: 90, 24 and 3 updates.
        #expect(rows.map(\.batchSize) == [1, 4, 30] && rows.map(\.updatesPerEpoch) == [30, 8, 1] && rows.map(\.updates) == [90, 24, 3])
        for row in rows {
            #expect(row.secondsPerUpdate == 6 / Double(row.updates))
            #expect(row.secondsPerEpoch == row.secondsPerUpdate * Double(row.updatesPerEpoch))
            #expect(row.secondsPerSampleGradient == row.secondsPerUpdate / Double(row.batchSize))
        }
        // Two repeats of three batch sizes, three readings each.
        #expect(readings == 18)
    }

    @Test func theFastestOfEachRunIsKept() {
        // Repeat 1: long 5 s, short 2 s; repeat 2: long 4 s, short 3 s. Kept: 4 − 2 = 2 s for three updates of 10
        // samples (one epoch of 30).
        var readings = 0, now = 0.0
        let elapsedAtReading: [Int: Double] = [2: 5, 3: 2, 5: 4, 6: 3]  // readings 1 and 4 start a repeat
        let rows = BatchCost.measure(objective: Self.mlp, optimizer: Self.sgd, start: Self.mlp.initialParameters(seed: 1), seed: 0,
                                     batchSizes: [10], epochs: 1, repeats: 2, clock: {
                                         readings += 1
                                         now += elapsedAtReading[readings] ?? 0
                                         return now
                                     })
        #expect(readings == 6)
        #expect(rows.first?.secondsPerUpdate == 2.0 / 3 && rows.first?.updates == 3)
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
        // Pairs of runs alternate in-order, lanes, in-order, lanes; in the k-th pair (from 1) the long run takes 10k
        // seconds and the short one k. The in-order figures come from pairs 1 and 3 (B = 4: 10 − 1 over 3 updates)
        // and 5 and 7 (B = 12: 50 − 5 over 1), the lanes' from pairs 2 and 4 (20 − 2 over 3) and 6 and 8 (60 − 6).
        var readings = 0, now = 0.0
        let rows = BatchCost.measure(objectives: [mlp, lanes], optimizer: sgd, start: mlp.initialParameters(seed: 1), seed: 0,
                                     batchSizes: [4, 12], epochs: 1, repeats: 2, clock: {
                                         readings += 1
                                         let pair = Double((readings + 2) / 3)
                                         switch readings % 3 {
                                         case 2: now += 10 * pair
                                         case 0: now += pair
                                         default: break
                                         }
                                         return now
                                     })
        #expect(readings == 24)
        #expect(rows.count == 2 && rows.allSatisfy { $0.map(\.batchSize) == [4, 12] && $0.map(\.updates) == [3, 1] })
        #expect(rows[0].map(\.secondsPerUpdate) == [3, 45] && rows[1].map(\.secondsPerUpdate) == [6, 54])
    }
}
