/// Objectives with a closed form (no dataset).
public enum ClosedFormKind: String, SpecKind {
    case saddle, quadratic
    case illConditioned = "ill_conditioned"
    case rosenbrock, beale, himmelblau, rastrigin
    case sixHumpCamel = "six_hump_camel"
    case booth, expression

    /// One-line description for the catalog.
    public var summary: String {
        switch self {
        case .saddle: "L(w1, w2) = (1 − w1·w2)²: a saddle at the origin, minima on w1·w2 = 1"
        case .quadratic: "½xᵀAx + bᵀx (A symmetrised)"
        case .illConditioned: "½xᵀAx with A = diag spaced geometrically from 1 to κ"
        case .rosenbrock: "Σ b(xᵢ₊₁ − xᵢ²)² + (a − xᵢ)², minimum at (a, a², …)"
        case .beale: "Beale's function, minimum 0 at (3, 0.5)"
        case .himmelblau: "Himmelblau's function, four minima of value 0"
        case .rastrigin: "a·n + Σ xᵢ² − a·cos(2πxᵢ): many local minima, global 0 at the origin"
        case .sixHumpCamel: "six-hump camel function, two global minima ≈ −1.0316"
        case .booth: "Booth's function, minimum 0 at (1, 3)"
        case .expression: "a formula in named variables (+ − * / ^ exp log sin cos tanh sqrt), differentiated symbolically"
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] { Self.parameterTables[self] ?? builtParameters }

    /// Every kind's table, built once (`SpecKind.parameters` says why).
    private static let parameterTables = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.builtParameters) })

    /// Its parameters, built.
    private var builtParameters: [ParameterInfo] {
        switch self {
        case .saddle, .beale, .himmelblau, .sixHumpCamel, .booth: []
        case .quadratic: [
            ParameterInfo("a", .matrix, "n×n matrix A"),
            ParameterInfo("b", .numberList(.any, count: nil), nullable: true, "vector b (default zeros)"),
        ]
        case .illConditioned: [
            ParameterInfo("dimension", .integer(.atLeast(1)), default: .number(2), "n"),
            ParameterInfo("kappa", .number(.atLeast(1)), default: .number(100), "condition number κ"),
        ]
        case .rosenbrock: [
            ParameterInfo("a", .number(.any), default: .number(1), "valley target a"),
            ParameterInfo("b", .number(.nonNegative), default: .number(100), "valley steepness b"),
            ParameterInfo("dimension", .integer(.atLeast(2)), default: .number(2), "n (chained form for n > 2)"),
        ]
        case .rastrigin: [
            ParameterInfo("dimension", .integer(.atLeast(1)), default: .number(2), "n"),
            ParameterInfo("a", .number(.nonNegative), default: .number(10), "ripple amplitude a"),
        ]
        case .expression: [
            ParameterInfo("expression", .string(allowed: nil), "the formula, e.g. (1-x*y)^2"),
            ParameterInfo("variables", .stringList, "variable names in parameter order"),
        ]
        }
    }
}

/// Objectives that train a model on a dataset.
public enum ModelKind: String, SpecKind {
    case linearRegression = "linear_regression"
    case logisticRegression = "logistic_regression"
    case softmaxRegression = "softmax_regression"
    case mlp
    case deepLinear = "deep_linear"

    /// One-line description for the catalog.
    public var summary: String {
        switch self {
        case .linearRegression: "mean squared error of a linear model (weights, then bias); needs a dataset"
        case .logisticRegression: "mean binary cross-entropy of a logistic model; needs a dataset with classes 0/1"
        case .softmaxRegression: "mean cross-entropy of a softmax model; needs a classification dataset"
        case .mlp: "multi-layer perceptron: MSE (regression), BCE (2 classes) or softmax cross-entropy"
        case .deepLinear: "deep linear network ŷ = W_L⋯W₁x (no bias, no activation), mean squared error; needs a regression dataset"
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] { Self.parameterTables[self] ?? builtParameters }

    /// Every kind's table, built once (`SpecKind.parameters` says why).
    private static let parameterTables = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.builtParameters) })

    /// Its parameters, built.
    private var builtParameters: [ParameterInfo] {
        switch self {
        case .linearRegression, .logisticRegression, .softmaxRegression: []
        case .mlp: [
            ParameterInfo("hidden", .integerList(.init(lower: 1, lowerInclusive: true, upper: 4096, upperInclusive: true)),
                          default: .array([.number(16)]), "hidden layer widths"),
            ParameterInfo("activation", .string(allowed: Activation.allCases.map(\.rawValue)), default: .string("tanh"), "hidden nonlinearity"),
            ParameterInfo("batch_norm", .object([
                ParameterInfo("momentum", .number(.unitOpen), default: .number(0.9), "p in μ̄ ← pμ̄ + (1 − p)μ"),
                ParameterInfo("epsilon", .number(.positive), default: .number(1e-5), "added to the batch variance"),
            ]), nullable: true, "batch normalisation on every hidden layer (null = off)"),
        ]
        case .deepLinear: [
            ParameterInfo("depth", .integer(.init(lower: 1, lowerInclusive: true, upper: 16, upperInclusive: true)),
                          default: .number(2), "number of weight matrices (1: linear regression without a bias)"),
            ParameterInfo("width", .integer(.init(lower: 1, lowerInclusive: true, upper: 1024, upperInclusive: true)),
                          default: .number(1), "width of every hidden layer"),
        ]
        }
    }
}

/// The objective's "type": a closed form or a model trained on a dataset (the latter needs a dataset).
public enum ObjectiveKind: SpecKind {
    /// A closed-form function of the parameters.
    case closedForm(ClosedFormKind)
    /// A model's loss on a dataset.
    case model(ModelKind)

    /// Closed forms first, then models (catalog order).
    public static let allCases: [ObjectiveKind] =
        ClosedFormKind.allCases.map(ObjectiveKind.closedForm) + ModelKind.allCases.map(ObjectiveKind.model)

    /// The kind named `rawValue`, if any.
    public init?(rawValue: String) {
        if let kind = ClosedFormKind(rawValue: rawValue) { self = .closedForm(kind) }
        else if let kind = ModelKind(rawValue: rawValue) { self = .model(kind) }
        else { return nil }
    }

    /// The "type" name.
    public var rawValue: String {
        switch self {
        case let .closedForm(kind): kind.rawValue
        case let .model(kind): kind.rawValue
        }
    }

    /// One-line description for the catalog.
    public var summary: String {
        switch self {
        case let .closedForm(kind): kind.summary
        case let .model(kind): kind.summary
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] {
        switch self {
        case let .closedForm(kind): kind.parameters
        case let .model(kind): kind.parameters
        }
    }
}
