/// The dataset's "type": samples from a seeded generator, or given in the spec.
public enum DatasetKind: String, SpecKind {
    case synthetic, inline

    /// One-line description for the catalog.
    public var summary: String {
        switch self {
        case .synthetic: "samples from a seeded generator"
        case .inline: "samples given in the spec"
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] { Self.parameterTables[self] ?? builtParameters }

    /// Every kind's table, built once (`SpecKind.parameters` says why).
    private static let parameterTables = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.builtParameters) })

    /// Its parameters, built.
    private var builtParameters: [ParameterInfo] {
        switch self {
        case .synthetic: [
            ParameterInfo("generator", .string(allowed: GeneratorKind.allCases.map(\.rawValue)), "linear, two_blobs, two_moons or xor"),
            ParameterInfo("samples", .integer(.atLeast(1)), default: .number(100), "number of samples"),
            ParameterInfo("features", .integer(.atLeast(1)), default: .number(1), "features (linear only)"),
            ParameterInfo("noise", .number(.nonNegative), default: .number(0.1), "noise standard deviation (linear, two_moons, xor)"),
            ParameterInfo("separation", .number(.nonNegative), default: .number(2), "blob distance (two_blobs)"),
        ] + Self.common
        case .inline: [
            ParameterInfo("x", .matrix, "feature rows, one per sample"),
            ParameterInfo("y", .numberList(.any, count: nil), "one target per sample"),
            ParameterInfo("classes", .integer(.atLeast(0)), nullable: true,
                          "number of classes, 0 = regression (null: 2 for logistic, max(y)+1 for softmax, else 0)"),
        ] + Self.common
        }
    }

    private static let common: [ParameterInfo] = [
        ParameterInfo("normalize", .boolean, default: .bool(false), "standardise features with training-set mean and std"),
        ParameterInfo("validation_fraction", .number(.unitOpen), default: .number(0), "share of samples held out for validation"),
    ]
}

/// The "generator" of a synthetic dataset. Its parameters are the synthetic dataset's members it uses.
public enum GeneratorKind: String, SpecKind {
    case linear
    case twoBlobs = "two_blobs"
    case twoMoons = "two_moons"
    case xor

    /// One-line description for the catalog.
    public var summary: String {
        switch self {
        case .linear: "y = w·x + b + noise·N(0,1), regression"
        case .twoBlobs: "two Gaussian blobs in 2-D, classes 0/1"
        case .twoMoons: "two interleaving half circles in 2-D, classes 0/1"
        case .xor: "four clusters in 2-D labelled by XOR, classes 0/1"
        }
    }

    /// Its parameters.
    public var parameters: [ParameterInfo] { Self.parameterTables[self] ?? builtParameters }

    /// Every kind's table, built once (`SpecKind.parameters` says why).
    private static let parameterTables = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.builtParameters) })

    /// Its parameters, built.
    private var builtParameters: [ParameterInfo] {
        switch self {
        case .linear: [ParameterInfo("features", .integer(.atLeast(1)), default: .number(1), "number of features"), Self.noise]
        case .twoBlobs: [ParameterInfo("separation", .number(.nonNegative), default: .number(2), "distance between the centres")]
        case .twoMoons, .xor: [Self.noise]
        }
    }

    private static let noise = ParameterInfo("noise", .number(.nonNegative), default: .number(0.1), "noise standard deviation")

    /// The synthetic dataset's members that belong to some generator, in table order; a generator
    /// rejects those of them it does not use.
    static let members: [String] = {
        let used = Set(allCases.flatMap { $0.parameters.map(\.name) })
        return DatasetKind.synthetic.parameters.map(\.name).filter(used.contains)
    }()
}
