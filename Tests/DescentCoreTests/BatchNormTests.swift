import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import DescentCore

/// Four one-feature regression samples.
private let tinyData = Dataset(features: Matrix([[0.5], [2.0], [-1.0], [1.5]]), targets: [0.3, -0.2, 0.7, 1.1], classCount: 0)

/// x̂ of every hidden layer in a training-mode pass over all samples.
private func trainingNormalized(_ mlp: MLPObjective, _ theta: [Double]) -> (pass: MLPPass<Double>, count: Int) {
    var pass = MLPPass<Double>(mlp.architecture, batchSize: mlp.sampleCount)
    var noGradient: [Double] = []
    let data = ModelData(features: mlp.training.features.storage, targets: mlp.training.targets, labels: [])
    _ = pass.run(theta: theta, data: data, rows: SampleRows(.full, total: mlp.sampleCount), mode: .batchStatistics, gradient: &noGradient)
    return (pass, mlp.sampleCount)
}

/// Per-feature mean and biased variance of layer l's x̂.
private func moments(_ pass: MLPPass<Double>, layer l: Int, width: Int, count: Int) -> [(mean: Double, variance: Double)] {
    (0..<width).map { o in
        let column = (0..<count).map { pass.normalized[pass.blockOffset(l) + $0 * width + o] }
        let mean = column.reduce(0, +) / Double(count)
        return (mean, column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count))
    }
}

@Test func trainingNormalizationHasMeanZeroAndUnitVarianceBeforeGammaBeta() {
    let data = SyntheticDataset.twoMoons(samples: 10, noise: 0.3, seed: 2)
    let mlp = MLPObjective(training: data, hiddenLayers: [3, 4], activation: .tanh, batchNorm: BatchNormOptions(epsilon: 0))
    var theta = mlp.initialParameters(seed: 3)
    for k in theta.indices { theta[k] += 0.1 * Double(k % 5) }  // non-trivial γ, β
    let (pass, count) = trainingNormalized(mlp, theta)
    for (l, width) in [3, 4].enumerated() {
        for (mean, variance) in moments(pass, layer: l, width: width, count: count) {
            #expect(abs(mean) <= 1e-15)
            #expect(abs(variance - 1) <= 1e-13)
        }
    }
}

@Test func trainingNormalizationWithEpsilonShrinksVarianceToSigmaSquaredOverSigmaSquaredPlusEpsilon() {
    let data = SyntheticDataset.twoMoons(samples: 10, noise: 0.3, seed: 2)
    let mlp = MLPObjective(training: data, hiddenLayers: [3], activation: .relu, batchNorm: BatchNormOptions(epsilon: 0.01))
    let (pass, count) = trainingNormalized(mlp, mlp.initialParameters(seed: 3))
    for (o, m) in moments(pass, layer: 0, width: 3, count: count).enumerated() {
        let sigma2 = pass.batchVariance[o]
        #expect(abs(m.mean) <= 1e-15)
        #expect(abs(m.variance - sigma2 / (sigma2 + 0.01)) <= 1e-13)
    }
}

@Test func inferenceOfOneSampleMatchesHandComputationWithRunningAverages() {
    let mlp = MLPObjective(training: tinyData, hiddenLayers: [1], activation: .tanh, batchNorm: BatchNormOptions())
        .withRunningStatistics([0.4, 2.5])
    // θ = W₁, b₁, γ, β, W₂, b₂.
    let theta = [0.8, 0.1, 1.5, -0.2, 2.0, 0.3]
    let a = 0.8 * 1.5 + 0.1
    let xHat = (a - 0.4) / (2.5 + 1e-5).squareRoot()
    let z = 2.0 * tanh(1.5 * xHat - 0.2) + 0.3
    let expected = (z - 1.1) * (z - 1.1)
    let got = mlp.value(at: theta, batch: .indices([3][...]))
    #expect(abs(got - expected) <= 1e-15 * max(1, expected))
}

@Test func inferenceUsesTheGivenRunningAverages() {
    let mlp = MLPObjective(training: tinyData, hiddenLayers: [1], activation: .tanh, batchNorm: BatchNormOptions())
    let theta = [0.8, 0.1, 1.5, -0.2, 2.0, 0.3]
    let first = mlp.evaluate(at: theta, buffers: [0, 1], split: .training)?.loss ?? .nan
    let second = mlp.evaluate(at: theta, buffers: [0.7, 3], split: .training)?.loss ?? .nan
    #expect(first.isFinite && second.isFinite && first != second)
    #expect(mlp.withRunningStatistics([0.7, 3]).value(at: theta, batch: .full) == second)
    #expect(mlp.value(at: theta, batch: .full) == first)  // initial statistics are (0, 1)
}

@Test func movingAveragesFollowTheRecurrenceWithUnbiasedVariance() {
    let p = 0.8
    let mlp = MLPObjective(training: tinyData, hiddenLayers: [2], activation: .tanh, batchNorm: BatchNormOptions(momentum: p))
    // θ = W₁ (2×1), b₁, γ, β, W₂ (1×2), b₂.
    let w = [0.8, -1.3], c = [0.1, 0.4]
    let theta = w + c + [1, 1] + [0, 0] + [0.5, -0.5] + [0]
    var buffers = mlp.initialBuffers()
    #expect(buffers == [0, 0, 1, 1])
    var expected = buffers
    var g: [Double] = []
    for batch in [[0, 1, 2], [3, 1]] {
        _ = mlp.trainingStep(at: theta, batch: .indices(batch[...]), buffers: &buffers, gradient: &g)
        for k in 0..<2 {
            let a = batch.map { w[k] * tinyData.features[$0, 0] + c[k] }
            let mean = a.reduce(0, +) / Double(a.count)
            let unbiased = a.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(a.count - 1)
            expected[k] = p * expected[k] + (1 - p) * mean
            expected[2 + k] = p * expected[2 + k] + (1 - p) * unbiased
        }
    }
    #expect(FiniteDifference.relativeError(buffers, expected) <= 1e-15)
}

@Test func trainingOnASingleSampleNormalisesToBetaAndKeepsBiasedVariance() {
    let mlp = MLPObjective(training: tinyData, hiddenLayers: [1], activation: .tanh, batchNorm: BatchNormOptions(momentum: 0.9))
    let theta = [0.8, 0.1, 1.5, -0.2, 2.0, 0.3]
    var buffers = mlp.initialBuffers(), g: [Double] = []
    let loss = mlp.trainingStep(at: theta, batch: .indices([1][...]), buffers: &buffers, gradient: &g)
    // x̂ = 0 ⇒ h = tanh(β) and z = W₂ tanh(β) + b₂.
    let z = 2.0 * tanh(-0.2) + 0.3
    #expect(abs(loss - (z + 0.2) * (z + 0.2)) <= 1e-15)
    #expect(abs(buffers[0] - 0.1 * (0.8 * 2.0 + 0.1)) <= 1e-15)
    #expect(buffers[1] == 0.9)
}

@Test func trainingStepWithoutBatchNormEqualsValueAndGradient() {
    let mlp = MLPObjective(training: tinyData, hiddenLayers: [3], activation: .relu, batchNorm: nil)
    let theta = mlp.initialParameters(seed: 8)
    var buffers: [Double] = [], g1: [Double] = [], g2: [Double] = []
    let l1 = mlp.trainingStep(at: theta, batch: .full, buffers: &buffers, gradient: &g1)
    let l2 = mlp.valueAndGradient(at: theta, batch: .full, gradient: &g2)
    #expect(l1 == l2 && g1 == g2 && buffers.isEmpty)
}
