extension DatasetSpec {
    /// The training (and validation) data this spec describes for `model`, split and normalised as asked.
    ///
    /// Synthetic samples use `seed`; the split uses `seed ^ 0x5350_4C49_5400_0000` so it does not
    /// repeat the generator's stream. Normalisation statistics come from the training part only.
    /// - Throws: `SpecError` naming the offending field under `path`.
    func build(for model: ModelKind, seed: UInt64, limits: SpecLimits,
               path: String) throws(SpecError) -> (training: Dataset, validation: Dataset?) {
        try check(path: path)
        var data: Dataset
        switch kind {
        case .synthetic: data = try synthetic(seed: seed, limits: limits, path: path)
        case .inline: data = try inline(for: model, limits: limits, path: path)
        }
        switch model {
        case .logisticRegression where data.classCount != 2:
            throw SpecError(field: path, message: "logistic_regression needs two classes (0 and 1)", code: "invalid_value")
        case .softmaxRegression where data.classCount < 2:
            throw SpecError(field: path, message: "softmax_regression needs a classification dataset", code: "invalid_value")
        case .deepLinear where data.classCount != 0:
            throw SpecError(field: path, message: "deep_linear needs a regression dataset (real targets, classes 0)", code: "invalid_value")
        case .linearRegression, .logisticRegression, .softmaxRegression, .mlp, .deepLinear: break
        }
        let fraction = number("validation_fraction")
        var validation: Dataset?
        if fraction > 0 {
            let parts = data.split(validationFraction: fraction, seed: seed ^ 0x5350_4C49_5400_0000)
            data = parts.training
            validation = parts.validation.sampleCount > 0 ? parts.validation : nil
        }
        if flag("normalize") {
            let normalizer = FeatureNormalizer(fitting: data)
            data = normalizer.apply(data)
            validation = validation.map(normalizer.apply)
        }
        return (data, validation)
    }

    private func synthetic(seed: UInt64, limits: SpecLimits, path: String) throws(SpecError) -> Dataset {
        let name = value("generator").string ?? ""
        guard let generator = GeneratorKind(rawValue: name) else {
            // Unreachable after the check, which allows only the generators' names.
            throw SpecError(field: fieldPath(path, "generator"), message: "unknown value '\(name)'; allowed: \(GeneratorKind.allowedNames)",
                            code: "invalid_value")
        }
        let used = Set(generator.parameters.map(\.name))
        for key in GeneratorKind.members where parameters[key] != nil && !used.contains(key) {
            throw SpecError(field: fieldPath(path, key), message: "not used by generator '\(name)'", code: "unknown_field")
        }
        let samples = integer("samples")
        if samples > limits.maxDatasetRows {
            throw SpecError(field: fieldPath(path, "samples"), message: "must be at most \(limits.maxDatasetRows)", code: "too_large")
        }
        let features = integer("features")
        if samples * features > limits.maxDatasetRows * 100 {
            throw SpecError(field: fieldPath(path, "features"), message: "samples × features must be at most \(limits.maxDatasetRows * 100)",
                            code: "too_large")
        }
        switch generator {
        case .linear: return SyntheticDataset.linear(samples: samples, features: features, noise: number("noise"), seed: seed)
        case .twoBlobs: return SyntheticDataset.twoBlobs(samples: samples, separation: number("separation"), seed: seed)
        case .twoMoons: return SyntheticDataset.twoMoons(samples: samples, noise: number("noise"), seed: seed)
        case .xor: return SyntheticDataset.xor(samples: samples, noise: number("noise"), seed: seed)
        }
    }

    private func inline(for model: ModelKind, limits: SpecLimits, path: String) throws(SpecError) -> Dataset {
        let x = value("x").matrix ?? []
        let y = value("y").numbers ?? []
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
        if let given = parameters["classes"]?.integer {
            classes = given
        } else {
            switch model {
            case .logisticRegression: classes = 2
            case .softmaxRegression: classes = Int(y.max() ?? 0) + 1
            case .linearRegression, .mlp, .deepLinear: classes = 0
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
