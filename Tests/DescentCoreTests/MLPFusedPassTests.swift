import CLaneMath
import Testing
@testable import DescentCore

/// One network the fused pass handles, compared bit for bit with the generic pass.
struct FusedCase: Sendable, CustomTestStringConvertible {
    let regression: Bool
    let activation: Activation
    /// Input widths of 16, 8 and 4 take the gradient's lane blocks; the others also take its scalar tail.
    let hidden: [Int]
    var testDescription: String {
        "\(regression ? "regression" : "binary")-\(activation.rawValue)-\(hidden.map(String.init).joined(separator: "x"))"
    }

    var data: Dataset {
        // 75 samples: two whole chunks of `MLPFusedPass.chunkSize` and a part-filled one.
        regression ? SyntheticDataset.linear(samples: 75, features: 3, noise: 0.1, seed: 8)
            : SyntheticDataset.twoMoons(samples: 75, noise: 0.1, seed: 8)
    }
}

private let fusedCases: [FusedCase] = [false, true].flatMap { regression in
    [Activation.tanh, .relu].flatMap { activation in
        [[16, 16], [29, 12], [5, 3], [7], []].map { FusedCase(regression: regression, activation: activation, hidden: $0) }
    }
}

/// Parameters at the seeded initialisation plus noise, so ReLU units sit on both sides of 0.
private func parameters(_ architecture: MLPArchitecture) -> [Double] {
    var rng = SeededRandom(seed: 12)
    return architecture.initialParameters(seed: 11).map { $0 + 0.4 * (rng.nextDouble() - 0.5) }
}

@Test(arguments: fusedCases)
func fusedPassGivesTheGenericPassesLossAndGradientBitForBit(_ testCase: FusedCase) {
    let set = testCase.data
    let architecture = MLPArchitecture(inputs: set.featureCount, hidden: testCase.hidden, classCount: set.classCount,
                                       activation: testCase.activation, batchNorm: nil)
    #expect(MLPFusedPass.handles(architecture))
    let data = ModelData(features: set.features.storage, targets: set.targets, labels: [])
    let theta = parameters(architecture)
    let repeated = (0..<40).map { ($0 * 17 + 5) % 75 } + [3, 3, 74]  // 43 rows, one repeated: one chunk and a part
    for batch in [Batch.full, .indices([3, 17, 0, 39, 8, 8, 22][...]), .indices(repeated[...])] {
        let rows = SampleRows(batch, total: set.sampleCount)
        var generic = MLPPass<Double>(architecture, batchSize: rows.count)
        var genericGradient = [Double](repeating: 0, count: architecture.parameterCount)
        let expected = generic.run(theta: theta, data: data, rows: rows, mode: .runningStatistics([]), gradient: &genericGradient)
        // The Swift loops, and the AVX kernels where the CPU has AVX.
        for kernels in descent_lanes_avx_available() != 0 ? [false, true] : [false] {
            let pass = MLPFusedPass(architecture: architecture, kernels: kernels)
            var fusedGradient = [Double](repeating: 0, count: architecture.parameterCount)
            let fused = pass.run(theta: theta, data: data, rows: rows, gradient: &fusedGradient)
            #expect(fused.loss.bitPattern == expected.loss.bitPattern, "kernels: \(kernels)")
            #expect(fused.correct == expected.correct)
            #expect(fusedGradient.map(\.bitPattern) == genericGradient.map(\.bitPattern), "kernels: \(kernels)")
            var none: [Double] = []
            let valueOnly = pass.run(theta: theta, data: data, rows: rows, gradient: &none)
            #expect(valueOnly.loss.bitPattern == expected.loss.bitPattern)
            #expect(none.isEmpty)
        }
    }
}

@Test func fusedPassLeavesBatchNormAndSoftmaxToTheGenericPass() {
    let normed = MLPArchitecture(inputs: 2, hidden: [4], classCount: 2, activation: .tanh, batchNorm: BatchNormOptions())
    let softmax = MLPArchitecture(inputs: 2, hidden: [4], classCount: 3, activation: .tanh, batchNorm: nil)
    #expect(!MLPFusedPass.handles(normed))
    #expect(!MLPFusedPass.handles(softmax))
}

/// A hand-checked network: 1 input, one tanh unit, one output, squared error on one sample.
/// a = 0.5·2 + 0.1 = 1.1, h = tanh 1.1, z = 3h − 1, residual r = z − 1; L = r², ∂L/∂z = 2r.
@Test func fusedPassMatchesAHandComputedOneUnitNetwork() {
    let architecture = MLPArchitecture(inputs: 1, hidden: [1], classCount: 0, activation: .tanh, batchNorm: nil)
    let theta = [0.5, 0.1, 3, -1]  // W₁, b₁, W₂, b₂
    let data = ModelData(features: [2], targets: [1], labels: [])
    var gradient = [Double](repeating: 0, count: 4)
    let result = MLPFusedPass(architecture: architecture).run(theta: theta, data: data, rows: SampleRows(.full, total: 1),
                                                              gradient: &gradient)
    let h = 0.800499021760629706  // tanh 1.1
    let r = 3 * h - 2
    #expect(abs(result.loss - r * r) <= 1e-15)
    let expected = [2 * r * 3 * (1 - h * h) * 2, 2 * r * 3 * (1 - h * h), 2 * r * h, 2 * r]
    for (g, e) in zip(gradient, expected) { #expect(abs(g - e) <= 1e-14 * max(1, abs(e))) }
}
