import Testing
import DescentCore

/// A three-class dataset: random features, labels i mod 3.
func threeClassData(samples: Int = 24, seed: UInt64 = 5) -> Dataset {
    var rng = SeededRandom(seed: seed)
    var x = Matrix(rows: samples, columns: 2)
    for i in 0..<samples {
        x[i, 0] = rng.nextGaussian() + Double(i % 3)
        x[i, 1] = rng.nextGaussian()
    }
    return Dataset(features: x, targets: (0..<samples).map { Double($0 % 3) }, classCount: 3)
}

/// The three linear models on small seeded datasets.
private let linearModels: [(name: String, objective: any Objective)] = [
    ("linear", LinearRegressionObjective(training: SyntheticDataset.linear(samples: 15, features: 3, noise: 0.3, seed: 1))),
    ("logistic", LogisticRegressionObjective(training: SyntheticDataset.twoBlobs(samples: 16, separation: 1, seed: 2))),
    ("softmax", SoftmaxRegressionObjective(training: threeClassData())),
]

@Test(arguments: linearModels.indices)
func linearModelGradientMatchesFiniteDifferences(_ index: Int) {
    let objective = linearModels[index].objective
    for point in FiniteDifference.randomPoints(count: 3, dimension: objective.dimension, scale: 1.5, seed: 21) {
        let exact = FiniteDifference.exactGradient(of: objective, at: point)
        let numeric = FiniteDifference.gradient(of: objective, at: point)
        #expect(FiniteDifference.relativeError(exact, numeric) <= 1e-6, "\(linearModels[index].name)")
    }
}

@Test(arguments: linearModels.indices)
func linearModelHessianMatchesFiniteDifferencesOfGradient(_ index: Int) {
    let objective = linearModels[index].objective
    for point in FiniteDifference.randomPoints(count: 2, dimension: objective.dimension, scale: 1.5, seed: 22) {
        let exact = objective.hessian(at: point).nested
        let numeric = FiniteDifference.hessian(of: objective, at: point)
        #expect(FiniteDifference.relativeError(exact, numeric) <= 1e-6, "\(linearModels[index].name)")
    }
}

@Test(arguments: linearModels.indices)
func linearModelHessianVectorProductMatchesHessian(_ index: Int) {
    let objective = linearModels[index].objective
    let n = objective.dimension
    let point = FiniteDifference.randomPoints(count: 1, dimension: n, scale: 1, seed: 23)[0]
    let v = FiniteDifference.randomPoints(count: 1, dimension: n, scale: 1, seed: 24)[0]
    let reference = objective.hessian(at: point).multiply(v)
    #expect(FiniteDifference.relativeError(objective.hessianVectorProduct(at: point, v), reference) <= 1e-13)
}

@Test(arguments: linearModels.indices)
func linearModelBatchLossIsMeanOfSampleLosses(_ index: Int) {
    let objective = linearModels[index].objective
    let point = FiniteDifference.randomPoints(count: 1, dimension: objective.dimension, scale: 1, seed: 25)[0]
    let indices = [4, 0, 7]
    let single = indices.map { objective.value(at: point, batch: .indices([$0][...])) }
    let batch = objective.value(at: point, batch: .indices(indices[...]))
    #expect(abs(batch - single.reduce(0, +) / 3) <= 1e-14 * max(1, abs(batch)))
}

@Test func linearRegressionHessianIsTwoOverNTimesGramOfExtendedFeatures() {
    let data = SyntheticDataset.linear(samples: 11, features: 2, noise: 0.5, seed: 8)
    let objective = LinearRegressionObjective(training: data)
    let h = objective.hessian(at: [0.3, -1, 2])
    let extended = (0..<11).map { [data.features[$0, 0], data.features[$0, 1], 1] }
    for a in 0..<3 {
        for b in 0..<3 {
            let gram = extended.map { $0[a] * $0[b] }.reduce(0, +)
            #expect(abs(h[a, b] - 2 / 11 * gram) <= 1e-13 * max(1, abs(gram)))
        }
    }
}

@Test func linearRegressionValueIsMeanSquaredResidual() {
    let data = Dataset(features: Matrix([[1], [2], [3]]), targets: [1, 1, 4], classCount: 0)
    // θ = (w, b) = (1, 0): residuals 0, 1, −1 ⇒ MSE 2/3.
    #expect(abs(LinearRegressionObjective(training: data).value(at: [1, 0], batch: .full) - 2.0 / 3) <= 1e-15)
}

@Test func logisticGradientAtZeroIsClosedForm() {
    let data = SyntheticDataset.twoBlobs(samples: 10, separation: 2, seed: 4)
    let objective = LogisticRegressionObjective(training: data)
    var g: [Double] = []
    let loss = objective.valueAndGradient(at: [0, 0, 0], batch: .full, gradient: &g)
    // σ(0) = ½ ⇒ ∇L = (1/N) Σ (½ − yᵢ) x̃ᵢ and L = log 2.
    for j in 0..<3 {
        let expected = (0..<10).map { i in (0.5 - data.targets[i]) * (j < 2 ? data.features[i, j] : 1) }.reduce(0, +) / 10
        #expect(abs(g[j] - expected) <= 1e-15)
    }
    #expect(abs(loss - 0.693_147_180_559_945_3) <= 1e-15)
}

@Test func logisticLossStaysFiniteForHugeLogits() {
    let data = Dataset(features: Matrix([[1], [1]]), targets: [0, 1], classCount: 2)
    let objective = LogisticRegressionObjective(training: data)
    // z = 1000 for both: sample 0 costs softplus(1000) = 1000, sample 1 costs log1p(e^−1000) ≈ 0.
    #expect(objective.value(at: [1000, 0], batch: .full) == 500)
    var g: [Double] = []
    _ = objective.valueAndGradient(at: [1000, 0], batch: .full, gradient: &g)
    #expect(g == [0.5, 0.5])
}

@Test func softmaxLossAtZeroIsLogOfClassCount() {
    let objective = SoftmaxRegressionObjective(training: threeClassData())
    #expect(objective.dimension == 9)
    #expect(abs(objective.value(at: [Double](repeating: 0, count: 9), batch: .full) - 1.098_612_288_668_109_8) <= 1e-15)
}

@Test func softmaxLossStaysFiniteForHugeLogits() {
    let data = Dataset(features: Matrix([[1]]), targets: [2], classCount: 3)
    // Logits (0, 0, 800) for the true class 2: loss = log(1 + 2e^−800) ≈ 0.
    let loss = SoftmaxRegressionObjective(training: data).value(at: [0, 0, 800, 0, 0, 0], batch: .full)
    #expect(loss.isFinite && loss >= 0 && loss < 1e-300)
}

@Test func classifierEvaluationReportsAccuracyOnValidation() {
    let training = Dataset(features: Matrix([[-1], [1]]), targets: [0, 1], classCount: 2)
    let validation = Dataset(features: Matrix([[-2], [3], [-1], [-4]]), targets: [0, 1, 1, 0], classCount: 2)
    let objective = LogisticRegressionObjective(training: training, validation: validation)
    let evaluation = objective.evaluate(at: [5, 0], buffers: [], split: .validation)
    #expect(evaluation?.accuracy == 0.75)
    #expect(LinearRegressionObjective(training: training).evaluate(at: [0, 0], buffers: [], split: .validation) == nil)
}
