import Testing
import DescentCore

/// One MLP configuration of the derivative tests.
struct MLPCase: Sendable, CustomTestStringConvertible {
    let task: String
    let activation: Activation
    let batchNorm: Bool
    var testDescription: String { "\(task)-\(activation.rawValue)-\(batchNorm ? "bn" : "plain")" }

    /// The objective, with non-trivial running statistics so inference-mode batch norm is tested.
    func objective() -> MLPObjective {
        let data: Dataset
        switch task {
        case "regression": data = SyntheticDataset.linear(samples: 12, features: 2, noise: 0.1, seed: 3)
        case "binary": data = SyntheticDataset.twoMoons(samples: 12, noise: 0.1, seed: 3)
        default: data = threeClassData(samples: 12, seed: 3)
        }
        let mlp = MLPObjective(training: data, hiddenLayers: [4, 3], activation: activation,
                               batchNorm: batchNorm ? BatchNormOptions() : nil)
        var rng = SeededRandom(seed: 77)
        let statistics = (0..<mlp.bufferCount).map { k -> Double in
            // Layout per layer: means then variances; variances must be positive.
            let u = rng.nextDouble()
            return isVariance(k, mlp) ? 0.5 + u : u - 0.5
        }
        return mlp.withRunningStatistics(statistics)
    }

    /// ReLU losses are piecewise smooth: a small step keeps differences off the kinks.
    var step: Double { activation == .relu ? 1e-5 : FiniteDifference.defaultStep }
}

/// Whether buffer index k is a running variance (the second half of its layer's block).
private func isVariance(_ k: Int, _ mlp: MLPObjective) -> Bool {
    var offset = 0
    for width in (mlp.layerSizes ?? []).dropFirst().dropLast() {
        if k < offset + 2 * width { return k >= offset + width }
        offset += 2 * width
    }
    return false
}

private let allCases: [MLPCase] = ["regression", "binary", "multiclass"].flatMap { task in
    [Activation.tanh, .relu].flatMap { act in [false, true].map { MLPCase(task: task, activation: act, batchNorm: $0) } }
}

/// Random parameters around the model's initialisation.
private func point(_ objective: MLPObjective, seed: UInt64) -> [Double] {
    let base = objective.initialParameters(seed: seed)
    let noise = FiniteDifference.randomPoints(count: 1, dimension: base.count, scale: 0.3, seed: seed + 1)[0]
    return zip(base, noise).map { $0 + $1 }
}

@Test(arguments: allCases)
func mlpInferenceGradientMatchesFiniteDifferences(_ testCase: MLPCase) {
    let objective = testCase.objective()
    let theta = point(objective, seed: 31)
    let exact = FiniteDifference.exactGradient(of: objective, at: theta)
    let numeric = FiniteDifference.gradient(of: objective, at: theta, step: testCase.step)
    #expect(FiniteDifference.relativeError(exact, numeric) <= 1e-6)
}

/// Tolerance of the batch-norm training-gradient check. Richardson-extrapolated central differences
/// with h = 1e-4 (1e-5 for ReLU) are good to ~1e-11 here (h = 1e-3 leaves ~3e-9 of O(h⁴) truncation
/// with tanh), so the check can be 1e-9. Dropping ε = 1e-5 from the backward pass changes the gradient
/// by about ε/σ² relative: 1e-4 to 3e-3 on these small batches (see the test below), but under a 1e-6
/// tolerance as soon as the pre-activation variances σ² exceed ~10; 1e-9 leaves five orders of margin.
private let batchNormGradientTolerance = 1e-9

/// The batch-norm training loss and its exact gradient on a fixed batch of `objective`'s data.
private func trainingLossAndGradient(_ objective: MLPObjective, at theta: [Double]) -> (loss: Double, gradient: [Double]) {
    let batch = Batch.indices([0, 2, 3, 5, 7, 8, 10][...])
    var buffers = objective.initialBuffers(), gradient: [Double] = []
    let loss = objective.trainingStep(at: theta, batch: batch, buffers: &buffers, gradient: &gradient)
    return (loss, gradient)
}

@Test(arguments: allCases.filter(\.batchNorm))
func mlpTrainingGradientThroughBatchNormMatchesFiniteDifferences(_ testCase: MLPCase) {
    let objective = testCase.objective()
    let theta = point(objective, seed: 32)
    let exact = trainingLossAndGradient(objective, at: theta).gradient
    let numeric = FiniteDifference.gradient(of: { trainingLossAndGradient(objective, at: $0).loss }, at: theta, step: min(testCase.step, 1e-4))
    #expect(FiniteDifference.relativeError(exact, numeric) <= batchNormGradientTolerance)
}

@Test(arguments: allCases.filter(\.batchNorm))
func aBatchNormGradientWithoutEpsilonWouldFailTheCheck(_ testCase: MLPCase) {
    // The gradient of the same network with ε = 0 stands in for a backward pass that forgot ε: the
    // check above must tell it from the finite differences of the real (ε = 1e-5) loss.
    let objective = testCase.objective()
    let withoutEpsilon = MLPObjective(training: objective.training, hiddenLayers: [4, 3], activation: testCase.activation,
                                      batchNorm: BatchNormOptions(epsilon: 0))
    let theta = point(objective, seed: 32)
    let numeric = FiniteDifference.gradient(of: { trainingLossAndGradient(objective, at: $0).loss }, at: theta, step: min(testCase.step, 1e-4))
    let wrong = trainingLossAndGradient(withoutEpsilon, at: theta).gradient
    let error = FiniteDifference.relativeError(wrong, numeric)
    #expect(error > 100 * batchNormGradientTolerance, "a dropped ε changes the gradient by only \(error)")
}

@Test(arguments: allCases)
func mlpHessianVectorProductMatchesFiniteDifferencesOfGradient(_ testCase: MLPCase) {
    let objective = testCase.objective()
    let theta = point(objective, seed: 33)
    let v = FiniteDifference.randomPoints(count: 1, dimension: objective.dimension, scale: 1, seed: 34)[0]
    let numericHessian = FiniteDifference.hessian(of: objective, at: theta, step: testCase.step)
    let reference = numericHessian.map { row in zip(row, v).map { $0 * $1 }.reduce(0, +) }
    #expect(FiniteDifference.relativeError(objective.hessianVectorProduct(at: theta, v), reference) <= 1e-6)
}

@Test(arguments: allCases.filter { $0.activation == .tanh })
func mlpHessianColumnsEqualHessianVectorProducts(_ testCase: MLPCase) {
    let objective = testCase.objective()
    let theta = point(objective, seed: 35)
    let h = objective.hessian(at: theta)
    let v = FiniteDifference.randomPoints(count: 1, dimension: objective.dimension, scale: 1, seed: 36)[0]
    #expect(FiniteDifference.relativeError(h.multiply(v), objective.hessianVectorProduct(at: theta, v)) <= 1e-12)
    #expect(h == Matrix(h.nested[0].indices.map { j in h.nested.map { $0[j] } }))  // symmetric
}

@Test func mlpWithoutHiddenLayersEqualsLogisticRegression() {
    let data = SyntheticDataset.twoBlobs(samples: 14, separation: 1.5, seed: 6)
    let mlp = MLPObjective(training: data, hiddenLayers: [], activation: .tanh, batchNorm: nil)
    let logistic = LogisticRegressionObjective(training: data)
    let theta = [0.4, -0.7, 0.2]
    #expect(abs(mlp.value(at: theta, batch: .full) - logistic.value(at: theta, batch: .full)) <= 1e-15)
    let g1 = FiniteDifference.exactGradient(of: mlp, at: theta), g2 = FiniteDifference.exactGradient(of: logistic, at: theta)
    #expect(FiniteDifference.relativeError(g1, g2) <= 1e-15)
    #expect(FiniteDifference.relativeError(mlp.hessian(at: theta).nested, logistic.hessian(at: theta).nested) <= 1e-14)
}

@Test func mlpWithoutHiddenLayersEqualsLinearRegressionHessian() {
    let data = SyntheticDataset.linear(samples: 9, features: 2, noise: 0.2, seed: 2)
    let mlp = MLPObjective(training: data, hiddenLayers: [], activation: .relu, batchNorm: nil)
    let linear = LinearRegressionObjective(training: data)
    let theta = [1.0, 2, 3]
    #expect(FiniteDifference.relativeError(mlp.hessian(at: theta).nested, linear.hessian(at: theta).nested) <= 1e-14)
}

@Test func mlpParameterCountAndLayerSizesFollowLayout() {
    let data = SyntheticDataset.twoMoons(samples: 8, noise: 0.1, seed: 1)
    let plain = MLPObjective(training: data, hiddenLayers: [16, 16], activation: .tanh, batchNorm: nil)
    #expect(plain.layerSizes == [2, 16, 16, 1])
    #expect(plain.dimension == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1))
    let normed = MLPObjective(training: data, hiddenLayers: [16, 16], activation: .tanh, batchNorm: BatchNormOptions())
    #expect(normed.dimension == plain.dimension + 4 * 16)
    #expect(normed.bufferCount == 4 * 16)
    #expect(MLPObjective(training: threeClassData(), hiddenLayers: [5], activation: .relu, batchNorm: nil).layerSizes == [2, 5, 3])
}

@Test func mlpInitialParametersAreSeededWithUnitGammaAndZeroBeta() {
    let data = SyntheticDataset.twoMoons(samples: 8, noise: 0.1, seed: 1)
    let mlp = MLPObjective(training: data, hiddenLayers: [3], activation: .tanh, batchNorm: BatchNormOptions())
    let theta = mlp.initialParameters(seed: 4)
    #expect(theta == mlp.initialParameters(seed: 4))
    #expect(theta != mlp.initialParameters(seed: 5))
    // Layer 1: W (3×2) at 0..<6, b at 6..<9, γ at 9..<12, β at 12..<15; layer 2: W at 15..<18, b at 18.
    #expect(Array(theta[6..<9]) == [0, 0, 0])
    #expect(Array(theta[9..<12]) == [1, 1, 1])
    #expect(Array(theta[12..<15]) == [0, 0, 0])
    #expect(theta[18] == 0)
    let bound = (6.0 / 5).squareRoot()  // Glorot: √(6/(2+3))
    #expect(theta[0..<6].allSatisfy { abs($0) <= bound && $0 != 0 })
}

@Test func mlpEvaluateReportsAccuracyOnlyForClassifiers() {
    let (training, validation) = SyntheticDataset.twoBlobs(samples: 40, separation: 6, seed: 3)
        .split(validationFraction: 0.25, seed: 1)
    let classifier = MLPObjective(training: training, validation: validation, hiddenLayers: [], activation: .tanh, batchNorm: nil)
    // θ = (w₁, w₂, b) = (1, 0, 0) predicts class 1 for x₁ > 0; well-separated blobs ⇒ accurate.
    let evaluation = classifier.evaluate(at: [1, 0, 0], buffers: [], split: .validation)
    #expect((evaluation?.accuracy ?? 0) >= 0.9)
    let regression = MLPObjective(training: SyntheticDataset.linear(samples: 5, features: 1, noise: 0, seed: 1),
                                  hiddenLayers: [2], activation: .tanh, batchNorm: nil)
    #expect(regression.evaluate(at: regression.initialParameters(seed: 1), buffers: [], split: .training)?.accuracy == nil)
    #expect(regression.evaluate(at: regression.initialParameters(seed: 1), buffers: [], split: .validation) == nil)
}

@Test func erasedDatasetModelExposesLayoutAndRunningStatistics() {
    let data = Dataset(features: Matrix([[0.5], [2.0], [-1.0]]), targets: [0.3, -0.2, 0.7], classCount: 0)
    let erased: any Objective = MLPObjective(training: data, hiddenLayers: [1], activation: .tanh, batchNorm: BatchNormOptions())
    let theta = [0.8, 0.1, 1.5, -0.2, 2.0, 0.3]
    guard let model = erased as? any DatasetModel else {
        Issue.record("MLPObjective is not a DatasetModel")
        return
    }
    #expect(model.layerSizes == [1, 1, 1])
    #expect(model.initialParameters(seed: 1).count == 6)
    let moved = model.withRunningStatistics([0.7, 3])
    #expect(moved.value(at: theta, batch: .full) != model.value(at: theta, batch: .full))
    let linear: any DatasetModel = LinearRegressionObjective(training: data)
    #expect(linear.layerSizes == nil)
    #expect(linear.withRunningStatistics([1]).value(at: [1, 0], batch: .full) == linear.value(at: [1, 0], batch: .full))
}
