import Testing
import DescentCore

/// Every generator with fixed sizes, for parameterised tests.
private let generators: [(name: String, make: @Sendable (UInt64) -> Dataset)] = [
    ("linear", { SyntheticDataset.linear(samples: 40, features: 3, noise: 0.1, seed: $0) }),
    ("twoBlobs", { SyntheticDataset.twoBlobs(samples: 40, separation: 3, seed: $0) }),
    ("twoMoons", { SyntheticDataset.twoMoons(samples: 40, noise: 0.1, seed: $0) }),
    ("xor", { SyntheticDataset.xor(samples: 40, noise: 0.1, seed: $0) }),
]

@Test(arguments: generators.indices)
func generatorIsDeterministicForASeed(_ index: Int) {
    let make = generators[index].make
    #expect(make(7) == make(7), "\(generators[index].name)")
}

@Test(arguments: generators.indices)
func generatorDiffersAcrossSeeds(_ index: Int) {
    let make = generators[index].make
    #expect(make(7).features != make(8).features, "\(generators[index].name)")
}

@Test func linearGeneratorWithoutNoiseIsExactlyAffine() {
    let data = SyntheticDataset.linear(samples: 12, features: 1, noise: 0, seed: 3)
    let x = data.features.storage, y = data.targets
    let slope = (y[1] - y[0]) / (x[1] - x[0])
    for i in 2..<12 {
        #expect(abs(y[i] - (y[0] + slope * (x[i] - x[0]))) <= 1e-12 * max(1, abs(y[i])))
    }
    #expect(data.classCount == 0 && data.featureCount == 1)
}

@Test func classificationGeneratorsAlternateLabels() {
    for data in [SyntheticDataset.twoBlobs(samples: 9, separation: 2, seed: 1),
                 SyntheticDataset.twoMoons(samples: 9, noise: 0.2, seed: 1),
                 SyntheticDataset.xor(samples: 9, noise: 0.2, seed: 1)] {
        #expect(data.classCount == 2 && data.featureCount == 2)
        #expect(data.targets == (0..<9).map { Double($0 % 2) })
    }
}

@Test func xorWithoutNoiseLabelsDifferentSignsAsClassOne() {
    let data = SyntheticDataset.xor(samples: 50, noise: 0, seed: 11)
    for i in 0..<50 {
        let differentSigns = (data.features[i, 0] < 0) != (data.features[i, 1] < 0)
        #expect(data.targets[i] == (differentSigns ? 1 : 0))
    }
}

@Test func twoMoonsWithoutNoiseLieOnTheirUnitCircles() {
    let data = SyntheticDataset.twoMoons(samples: 30, noise: 0, seed: 5)
    for i in 0..<30 {
        let (cx, cy) = data.targets[i] == 0 ? (0.0, 0.0) : (1.0, 0.5)
        let dx = data.features[i, 0] - cx, dy = data.features[i, 1] - cy
        #expect(abs(dx * dx + dy * dy - 1) <= 1e-12)
    }
}

@Test func twoBlobsClassMeansSitNearTheirCentres() {
    let data = SyntheticDataset.twoBlobs(samples: 4000, separation: 4, seed: 9)
    var sums = [0.0, 0.0]
    for i in 0..<4000 { sums[Int(data.targets[i])] += data.features[i, 0] }
    // Each class mean has standard error 1/√2000 ≈ 0.022; allow 5 standard errors.
    #expect(abs(sums[0] / 2000 + 2) < 0.12)
    #expect(abs(sums[1] / 2000 - 2) < 0.12)
}

@Test func splitPartitionsTheSamplesByFraction() {
    let data = SyntheticDataset.linear(samples: 20, features: 2, noise: 0.1, seed: 1)
    let (training, validation) = data.split(validationFraction: 0.2, seed: 4)
    #expect(training.sampleCount == 16 && validation.sampleCount == 4)
    let all = (training.targets + validation.targets).sorted()
    #expect(all == data.targets.sorted())
}

@Test func splitIsDeterministicForASeedAndDiffersAcrossSeeds() {
    let data = SyntheticDataset.linear(samples: 50, features: 1, noise: 0.1, seed: 1)
    let a = data.split(validationFraction: 0.3, seed: 4)
    let b = data.split(validationFraction: 0.3, seed: 4)
    let c = data.split(validationFraction: 0.3, seed: 5)
    #expect(a.training == b.training && a.validation == b.validation)
    #expect(a.validation != c.validation)
}

@Test func splitKeepsOneTrainingSample() {
    let data = SyntheticDataset.linear(samples: 3, features: 1, noise: 0, seed: 1)
    let (training, validation) = data.split(validationFraction: 1, seed: 2)
    #expect(training.sampleCount == 1 && validation.sampleCount == 2)
}

@Test func normalizerMakesTrainingFeaturesMeanZeroStdOne() {
    let data = SyntheticDataset.twoBlobs(samples: 37, separation: 5, seed: 2)
    let normalized = FeatureNormalizer(fitting: data).apply(data)
    for j in 0..<2 {
        let column = (0..<37).map { normalized.features[$0, j] }
        let mean = column.reduce(0, +) / 37
        let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 37
        #expect(abs(mean) <= 1e-14)
        #expect(abs(variance - 1) <= 1e-13)
    }
    #expect(normalized.targets == data.targets)
}

@Test func normalizerAppliesTrainingStatisticsToValidation() {
    let (training, validation) = SyntheticDataset.linear(samples: 30, features: 2, noise: 0.1, seed: 6)
        .split(validationFraction: 0.3, seed: 1)
    let normalizer = FeatureNormalizer(fitting: training)
    let applied = normalizer.apply(validation)
    for j in 0..<2 {
        let column = (0..<training.sampleCount).map { training.features[$0, j] }
        let mean = column.reduce(0, +) / Double(column.count)
        let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
        #expect(abs(normalizer.means[j] - mean) <= 1e-15)
        for i in 0..<validation.sampleCount {
            #expect(abs(applied.features[i, j] - (validation.features[i, j] - mean) / std) <= 1e-12)
        }
    }
}

@Test func normalizerMapsAConstantFeatureToZero() {
    let data = Dataset(features: Matrix([[0.1, 1], [0.1, 2], [0.1, 3]]), targets: [0, 0, 0], classCount: 0)
    let normalizer = FeatureNormalizer(fitting: data)
    #expect(normalizer.standardDeviations[0] == 1)
    let applied = normalizer.apply(data)
    for i in 0..<3 { #expect(abs(applied.features[i, 0]) <= 1e-16) }
}
