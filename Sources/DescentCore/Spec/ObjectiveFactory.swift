/// Builds the objective an objective spec (and, for dataset losses, a dataset spec) describes.
///
/// - Parameters:
///   - objective: the objective spec.
///   - dataset: the dataset spec; required by dataset objectives and rejected by the others.
///   - seed: seed of synthetic data and splits.
///   - limits: size limits.
///   - fieldPrefix: prefix of error paths, e.g. "" for a top-level spec ("objective.a").
/// - Throws: `SpecError` naming the offending field.
public func makeObjective(_ objective: ObjectiveSpec, dataset: DatasetSpec?, seed: UInt64, limits: SpecLimits,
                          fieldPrefix: String = "") throws(SpecError) -> any Objective {
    let path = fieldPath(fieldPrefix, "objective")
    let datasetPath = fieldPath(fieldPrefix, "dataset")
    try objective.check(path: path)
    let built: any Objective
    if SpecTables.datasetObjectives.contains(objective.type) {
        guard let dataset else {
            throw SpecError(field: datasetPath, message: "is required by objective '\(objective.type)'", code: "missing_field")
        }
        let (training, validation) = try DatasetFactory.make(dataset, objectiveType: objective.type, seed: seed,
                                                             limits: limits, path: datasetPath)
        built = try makeDatasetObjective(objective, training: training, validation: validation, path: path)
    } else {
        if dataset != nil {
            throw SpecError(field: datasetPath, message: "is not used by objective '\(objective.type)'; remove it", code: "unknown_field")
        }
        built = try makeClosedForm(objective, limits: limits, path: path)
    }
    if built.dimension > limits.maxParameters {
        throw SpecError(field: path, message: "has \(built.dimension) parameters; at most \(limits.maxParameters) allowed",
                        code: "too_large")
    }
    return built
}

private func makeClosedForm(_ spec: ObjectiveSpec, limits: SpecLimits, path: String) throws(SpecError) -> any Objective {
    func tooLarge(_ name: String, _ n: Int) throws(SpecError) {
        if n > limits.maxParameters {
            throw SpecError(field: fieldPath(path, name), message: "must be at most \(limits.maxParameters)", code: "too_large")
        }
    }
    switch spec.type {
    case "saddle": return SaddleObjective()
    case "beale": return BealeObjective()
    case "himmelblau": return HimmelblauObjective()
    case "six_hump_camel": return SixHumpCamelObjective()
    case "booth": return BoothObjective()
    case "rosenbrock":
        try tooLarge("dimension", spec.integer("dimension"))
        return RosenbrockObjective(a: spec.number("a"), b: spec.number("b"), dimension: spec.integer("dimension"))
    case "rastrigin":
        try tooLarge("dimension", spec.integer("dimension"))
        return RastriginObjective(dimension: spec.integer("dimension"), a: spec.number("a"))
    case "ill_conditioned":
        try tooLarge("dimension", spec.integer("dimension"))
        return QuadraticObjective.illConditioned(dimension: spec.integer("dimension"), kappa: spec.number("kappa"))
    case "quadratic":
        let a = spec.value("a").matrix ?? []
        let n = a.count
        guard n > 0 else { throw SpecError(field: fieldPath(path, "a"), message: "must have at least one row", code: "invalid_value") }
        if n > 1024 { throw SpecError(field: fieldPath(path, "a"), message: "must be at most 1024×1024", code: "too_large") }
        for (i, row) in a.enumerated() where row.count != n {
            throw SpecError(field: fieldPath(path, "a[\(i)]"), message: "must have \(n) values (A is square)", code: "invalid_value")
        }
        let b = spec.value("b").numbers ?? [Double](repeating: 0, count: n)
        guard b.count == n else {
            throw SpecError(field: fieldPath(path, "b"), message: "must have \(n) values, one per row of a", code: "invalid_value")
        }
        return QuadraticObjective(a: Matrix(a), b: b)
    default:  // "expression"
        let text = spec.value("expression").string ?? ""
        if text.count > limits.maxExpressionLength {
            throw SpecError(field: fieldPath(path, "expression"), message: "must be at most \(limits.maxExpressionLength) characters",
                            code: "too_large")
        }
        let variables = spec.value("variables").strings ?? []
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

private func makeDatasetObjective(_ spec: ObjectiveSpec, training: Dataset, validation: Dataset?,
                                  path: String) throws(SpecError) -> any Objective {
    switch spec.type {
    case "linear_regression": return LinearRegressionObjective(training: training, validation: validation)
    case "logistic_regression": return LogisticRegressionObjective(training: training, validation: validation)
    case "softmax_regression": return SoftmaxRegressionObjective(training: training, validation: validation)
    default:
        let hidden = spec.value("hidden").integers ?? []
        let activation = Activation(rawValue: spec.value("activation").string ?? "tanh") ?? .tanh
        var batchNorm: BatchNormOptions?
        if let options = spec.parameters["batch_norm"]?.object {
            batchNorm = BatchNormOptions(momentum: options["momentum"]?.number ?? 0.9, epsilon: options["epsilon"]?.number ?? 1e-5)
        }
        return MLPObjective(training: training, validation: validation, hiddenLayers: hidden,
                            activation: activation, batchNorm: batchNorm)
    }
}
