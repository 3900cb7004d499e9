import Foundation
import Testing
@testable import DescentCore

/// `MLPSampleLanes` (`BatchSplit.lanes`): the batch's samples summed over four SIMD lanes.
@Suite struct MLPSampleLanesTests {
    private static let moons = SyntheticDataset.twoMoons(samples: 40, noise: 0.1, seed: 3)
    private static let line = SyntheticDataset.linear(samples: 40, features: 3, noise: 0.1, seed: 4)

    /// Networks the lane pass computes: binary cross-entropy and mean squared error, tanh and ReLU, widths that are
    /// and are not multiples of four.
    private static let networks: [MLPObjective] = [
        MLPObjective(training: moons, hiddenLayers: [16, 16], activation: .tanh),
        MLPObjective(training: moons, hiddenLayers: [5, 3], activation: .relu),
        MLPObjective(training: line, hiddenLayers: [7], activation: .tanh),
        MLPObjective(training: line, hiddenLayers: [8, 6], activation: .relu),
    ]

    private static func batch(_ size: Int, from first: Int = 0) -> Batch {
        .indices(ArraySlice((0..<size).map { (first + 7 * $0) % 40 }))
    }

    private static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    @Test func splitGradientEqualsTheInOrderGradientToOneInATrillion() throws {
        for (n, mlp) in Self.networks.enumerated() {
            let lanes = try #require(MLPSampleLanes(mlp))
            let theta = mlp.initialParameters(seed: UInt64(n + 1))
            for size in [1, 2, 3, 4, 5, 7, 8, 13, 32, 40] {
                var plain: [Double] = [], split: [Double] = []
                let plainLoss = mlp.valueAndGradient(at: theta, batch: Self.batch(size), gradient: &plain)
                let splitLoss = lanes.valueAndGradient(at: theta, batch: Self.batch(size), gradient: &split)
                let difference = Self.norm(zip(plain, split).map { $0 - $1 })
                #expect(difference <= 1e-12 * Self.norm(plain), "network \(n), B = \(size): ‖Δg‖ = \(difference), ‖g‖ = \(Self.norm(plain))")
                #expect(abs(splitLoss - plainLoss) <= 1e-12 * abs(plainLoss), "network \(n), B = \(size)")
                #expect(lanes.value(at: theta, batch: Self.batch(size)) == splitLoss, "value and gradient agree, network \(n), B = \(size)")
            }
        }
    }

    /// The documented rule, rebuilt from one-sample gradients: with B = 8 the scale 1/8 is exact, so the lane pass's
    /// result is, bit for bit, lane j's sum of samples j and j + 4 (each one-sample gradient × 1/8), then
    /// (lane 0 + lane 1) + (lane 2 + lane 3).
    @Test func eachLaneSumsEveryFourthSampleAndTheLanesCombineInPairs() throws {
        for (n, mlp) in Self.networks.enumerated() {
            let lanes = try #require(MLPSampleLanes(mlp))
            let theta = mlp.initialParameters(seed: 11)
            let rows = (0..<8).map { (5 + 3 * $0) % 40 }
            var perSample: [[Double]] = [], perLoss: [Double] = []
            for row in rows {
                var g: [Double] = []
                perLoss.append(mlp.valueAndGradient(at: theta, batch: .indices([row]), gradient: &g) / 8)
                perSample.append(g.map { $0 / 8 })
            }
            var expected = [Double](repeating: 0, count: mlp.dimension)
            for p in expected.indices {
                var lane = [Double](repeating: 0, count: 4)
                for k in 0..<8 { lane[k % 4] += perSample[k][p] }
                expected[p] = (lane[0] + lane[1]) + (lane[2] + lane[3])
            }
            var laneLoss = [Double](repeating: 0, count: 4)
            for k in 0..<8 { laneLoss[k % 4] += perLoss[k] }
            var split: [Double] = []
            let loss = lanes.valueAndGradient(at: theta, batch: .indices(ArraySlice(rows)), gradient: &split)
            #expect(split.map(\.bitPattern) == expected.map(\.bitPattern), "network \(n)")
            #expect(loss == (laneLoss[0] + laneLoss[1]) + (laneLoss[2] + laneLoss[3]), "network \(n)")
        }
    }

    @Test func aSplitTrainingRunIsBitIdenticalOnRepeatsAndOnConcurrentThreads() async throws {
        let mlp = Self.networks[0]
        let lanes = try #require(MLPSampleLanes(mlp))
        let optimizer = OptimizerConfiguration.sgd(lr: 0.05, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)
        let configuration = TrainingConfiguration(start: mlp.initialParameters(seed: 1), steps: 60, learningRate: 0.05,
                                                  batchSize: 6, seed: 9, recordEvery: 1)
        func run() -> [UInt64] {
            let result = Trainer.run(objective: lanes, optimizer: optimizer, configuration: configuration)
            return result.summary.finalParams.map(\.bitPattern) + result.trajectory.loss.map(\.bitPattern)
        }
        let reference = run()
        #expect(run() == reference)
        // One, two and four runs at once on the cooperative pool's threads: the bits never depend on the threads.
        for count in [1, 2, 4] {
            let results = await withTaskGroup(of: [UInt64].self) { group in
                for _ in 0..<count { group.addTask { run() } }
                return await group.reduce(into: [[UInt64]]()) { $0.append($1) }
            }
            #expect(results.count == count && results.allSatisfy { $0 == reference }, "\(count) concurrent runs")
        }
        // And they are not the in-order run's bits (the sums' order differs), only close to them.
        let plain = Trainer.run(objective: mlp, optimizer: optimizer, configuration: configuration).summary.finalParams
        let split = Trainer.run(objective: lanes, optimizer: optimizer, configuration: configuration).summary.finalParams
        #expect(plain != split && Self.norm(zip(plain, split).map { $0 - $1 }) <= 1e-10 * Self.norm(plain))
    }

    @Test func onlyMLPsWithoutBatchNormAndWithOneOutputSplit() {
        let blobs = SyntheticDataset.twoBlobs(samples: 12, separation: 2, seed: 1)
        #expect(MLPSampleLanes(MLPObjective(training: blobs, hiddenLayers: [4], batchNorm: BatchNormOptions())) == nil)
        let three = Dataset(features: Matrix([[0], [1], [2]]), targets: [0, 1, 2], classCount: 3)
        #expect(MLPSampleLanes(MLPObjective(training: three, hiddenLayers: [4])) == nil)
        #expect(MLPSampleLanes(LinearRegressionObjective(training: Self.line)) == nil)
        #expect(BatchSplit.lanes.apply(to: RosenbrockObjective()) == nil)
        #expect(BatchSplit.none.apply(to: RosenbrockObjective()) != nil)
    }
}
