extension ObjectiveSpec {
    /// The objective this spec (and, for models, the dataset spec) describes.
    ///
    /// - Parameters:
    ///   - dataset: the dataset spec; required by model objectives and rejected by closed forms.
    ///   - seed: seed of synthetic data and splits.
    ///   - limits: size limits.
    ///   - fieldPrefix: prefix of error paths, e.g. "" for a top-level spec ("objective.a").
    /// - Throws: `SpecError` naming the offending field.
    public func build(dataset: DatasetSpec?, seed: UInt64, limits: SpecLimits,
                      fieldPrefix: String = "") throws(SpecError) -> any Objective {
        let path = fieldPath(fieldPrefix, "objective")
        let datasetPath = fieldPath(fieldPrefix, "dataset")
        try check(path: path)
        let built: any Objective
        switch kind {
        case let .model(model):
            guard let dataset else {
                throw SpecError(field: datasetPath, message: "is required by objective '\(type)'", code: "missing_field")
            }
            let (training, validation) = try dataset.build(for: model, seed: seed, limits: limits, path: datasetPath)
            built = self.model(model, training: training, validation: validation)
        case let .closedForm(form):
            if dataset != nil {
                throw SpecError(field: datasetPath, message: "is not used by objective '\(type)'; remove it", code: "unknown_field")
            }
            built = try closedForm(form, limits: limits, path: path)
        }
        if built.dimension > limits.maxParameters {
            throw SpecError(field: path, message: "has \(built.dimension) parameters; at most \(limits.maxParameters) allowed",
                            code: "too_large")
        }
        return built
    }

    private func closedForm(_ form: ClosedFormKind, limits: SpecLimits, path: String) throws(SpecError) -> any Objective {
        // The "dimension" parameter, at most `limits.maxParameters`.
        func dimension() throws(SpecError) -> Int {
            let n = integer("dimension")
            if n > limits.maxParameters {
                throw SpecError(field: fieldPath(path, "dimension"), message: "must be at most \(limits.maxParameters)", code: "too_large")
            }
            return n
        }
        switch form {
        case .saddle: return SaddleObjective()
        case .beale: return BealeObjective()
        case .himmelblau: return HimmelblauObjective()
        case .sixHumpCamel: return SixHumpCamelObjective()
        case .booth: return BoothObjective()
        case .rosenbrock: return RosenbrockObjective(a: number("a"), b: number("b"), dimension: try dimension())
        case .rastrigin: return RastriginObjective(dimension: try dimension(), a: number("a"))
        case .illConditioned: return QuadraticObjective.illConditioned(dimension: try dimension(), kappa: number("kappa"))
        case .quadratic:
            let a = value("a").matrix ?? []
            let n = a.count
            guard n > 0 else { throw SpecError(field: fieldPath(path, "a"), message: "must have at least one row", code: "invalid_value") }
            if n > 1024 { throw SpecError(field: fieldPath(path, "a"), message: "must be at most 1024×1024", code: "too_large") }
            for (i, row) in a.enumerated() where row.count != n {
                throw SpecError(field: fieldPath(path, "a[\(i)]"), message: "must have \(n) values (A is square)", code: "invalid_value")
            }
            let b = value("b").numbers ?? [Double](repeating: 0, count: n)
            guard b.count == n else {
                throw SpecError(field: fieldPath(path, "b"), message: "must have \(n) values, one per row of a", code: "invalid_value")
            }
            return QuadraticObjective(a: Matrix(a), b: b)
        case .expression:
            let text = value("expression").string ?? ""
            if text.count > limits.maxExpressionLength {
                throw SpecError(field: fieldPath(path, "expression"), message: "must be at most \(limits.maxExpressionLength) characters",
                                code: "too_large")
            }
            let variables = value("variables").strings ?? []
            guard !variables.isEmpty else {
                throw SpecError(field: fieldPath(path, "variables"), message: "must name at least one variable", code: "invalid_value")
            }
            do {
                return try ExpressionObjective(expression: text, variables: variables)
            } catch {
                throw SpecError(field: fieldPath(path, "expression"),
                                message: "at position \(error.position): \(error.reason)", code: "invalid_expression")
            }
        }
    }

    private func model(_ model: ModelKind, training: Dataset, validation: Dataset?) -> any Objective {
        switch model {
        case .linearRegression: return LinearRegressionObjective(training: training, validation: validation)
        case .logisticRegression: return LogisticRegressionObjective(training: training, validation: validation)
        case .softmaxRegression: return SoftmaxRegressionObjective(training: training, validation: validation)
        case .mlp:
            let hidden = value("hidden").integers ?? []
            let activation = Activation(rawValue: value("activation").string ?? "tanh") ?? .tanh
            var batchNorm: BatchNormOptions?
            if let options = parameters["batch_norm"]?.object {
                batchNorm = BatchNormOptions(momentum: options["momentum"]?.number ?? 0.9, epsilon: options["epsilon"]?.number ?? 1e-5)
            }
            return MLPObjective(training: training, validation: validation, hiddenLayers: hidden,
                                activation: activation, batchNorm: batchNorm)
        case .deepLinear:
            return DeepLinearObjective(training: training, validation: validation, depth: integer("depth"), width: integer("width"))
        }
    }
}
