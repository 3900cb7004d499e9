/// Builds the training (and validation) data a dataset spec describes.
enum DatasetFactory {
    /// The generated or inline samples, split and normalised as asked.
    ///
    /// Synthetic samples use `seed`; the split uses `seed ^ 0x5350_4C49_5400_0000` so it does not
    /// repeat the generator's stream. Normalisation statistics come from the training part only.
    static func make(_ spec: DatasetSpec, objectiveType: String, seed: UInt64, limits: SpecLimits,
                     path: String) throws(SpecError) -> (training: Dataset, validation: Dataset?) {
        try spec.check(path: path)
        var data: Dataset
        switch spec.type {
        case "synthetic":
            data = try synthetic(spec, seed: seed, limits: limits, path: path)
        default:
            data = try inline(spec, objectiveType: objectiveType, limits: limits, path: path)
        }
        if objectiveType == "logistic_regression", data.classCount != 2 {
            throw SpecError(field: path, message: "logistic_regression needs two classes (0 and 1)", code: "invalid_value")
        }
        if objectiveType == "softmax_regression", data.classCount < 2 {
            throw SpecError(field: path, message: "softmax_regression needs a classification dataset", code: "invalid_value")
        }
        let fraction = spec.number("validation_fraction")
        var validation: Dataset?
        if fraction > 0 {
            let parts = data.split(validationFraction: fraction, seed: seed ^ 0x5350_4C49_5400_0000)
            data = parts.training
            validation = parts.validation.sampleCount > 0 ? parts.validation : nil
        }
        if spec.flag("normalize") {
            let normalizer = FeatureNormalizer(fitting: data)
            data = normalizer.apply(data)
            validation = validation.map(normalizer.apply)
        }
        return (data, validation)
    }

    private static func synthetic(_ spec: DatasetSpec, seed: UInt64, limits: SpecLimits,
                                  path: String) throws(SpecError) -> Dataset {
        let generator = spec.value("generator").string ?? ""
        let used = Set(SpecTables.generators.first { $0.type == generator }?.parameters.map(\.name) ?? [])
        for key in ["features", "noise", "separation"] where spec.parameters[key] != nil && !used.contains(key) {
            throw SpecError(field: fieldPath(path, key), message: "not used by generator '\(generator)'", code: "unknown_field")
        }
        let samples = spec.integer("samples")
        if samples > limits.maxDatasetRows {
            throw SpecError(field: fieldPath(path, "samples"), message: "must be at most \(limits.maxDatasetRows)", code: "too_large")
        }
        let features = spec.integer("features")
        if samples * features > limits.maxDatasetRows * 100 {
            throw SpecError(field: fieldPath(path, "features"), message: "samples × features must be at most \(limits.maxDatasetRows * 100)",
                            code: "too_large")
        }
        switch generator {
        case "linear": return SyntheticDataset.linear(samples: samples, features: features, noise: spec.number("noise"), seed: seed)
        case "two_blobs": return SyntheticDataset.twoBlobs(samples: samples, separation: spec.number("separation"), seed: seed)
        case "two_moons": return SyntheticDataset.twoMoons(samples: samples, noise: spec.number("noise"), seed: seed)
        default: return SyntheticDataset.xor(samples: samples, noise: spec.number("noise"), seed: seed)
        }
    }

    private static func inline(_ spec: DatasetSpec, objectiveType: String, limits: SpecLimits,
                               path: String) throws(SpecError) -> Dataset {
        let x = spec.value("x").matrix ?? []
        let y = spec.value("y").numbers ?? []
        guard !x.isEmpty else { throw SpecError(field: fieldPath(path, "x"), message: "must have at least one row", code: "invalid_value") }
        if x.count > limits.maxDatasetRows {
            throw SpecError(field: fieldPath(path, "x"), message: "must have at most \(limits.maxDatasetRows) rows", code: "too_large")
        }
        let width = x[0].count
        guard width > 0 else { throw SpecError(field: fieldPath(path, "x[0]"), message: "must not be empty", code: "invalid_value") }
        for (i, row) in x.enumerated() where row.count != width {
            throw SpecError(field: fieldPath(path, "x[\(i)]"), message: "must have \(width) values like x[0]", code: "invalid_value")
        }
        guard y.count == x.count else {
            throw SpecError(field: fieldPath(path, "y"), message: "must have one value per row of x (\(x.count))", code: "invalid_value")
        }
        let classes: Int
        if let given = spec.parameters["classes"]?.integer {
            classes = given
        } else {
            switch objectiveType {
            case "logistic_regression": classes = 2
            case "softmax_regression": classes = Int(y.max() ?? 0) + 1
            default: classes = 0
            }
        }
        if classes > 0 {
            for (i, v) in y.enumerated() where !(v == v.rounded() && v >= 0 && v < Double(classes)) {
                throw SpecError(field: fieldPath(path, "y[\(i)]"), message: "must be a class index in 0..<\(classes)", code: "invalid_value")
            }
        }
        return Dataset(features: Matrix(x), targets: y, classCount: classes)
    }
}
