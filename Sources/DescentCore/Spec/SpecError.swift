/// A spec that cannot run, with the JSON path of the offending field (e.g. "optimizer.betas[1]").
public struct SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON path of the field; empty for the whole document.
    public var field: String
    /// What is wrong and what is allowed.
    public var message: String
    /// Machine-readable kind: invalid_json, unknown_field, unknown_type, missing_field, wrong_type,
    /// out_of_range, invalid_value, too_large, invalid_expression.
    public var code: String

    /// Creates an error.
    public init(field: String, message: String, code: String) {
        self.field = field; self.message = message; self.code = code
    }

    /// "field: message".
    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}

/// Upper bounds on what one spec may ask for (they protect the service's memory and CPU).
public struct SpecLimits: Sendable, Equatable {
    /// Most optimizer steps per run (default 10 000 000).
    public var maxSteps: Int
    /// Most parameters of an objective (default 100 000).
    public var maxParameters: Int
    /// Most dataset rows, inline or generated (default 100 000).
    public var maxDatasetRows: Int
    /// Most trajectory rows (default 2 000 000).
    public var maxTrajectoryPoints: Int
    /// Most recorded parameter values, rows × dimension (default 20 000 000 = 160 MB).
    public var maxTrajectoryParamValues: Int
    /// Longest expression, in characters (default 4096).
    public var maxExpressionLength: Int

    /// Creates limits; every default is the service's default.
    public init(maxSteps: Int = 10_000_000, maxParameters: Int = 100_000, maxDatasetRows: Int = 100_000,
                maxTrajectoryPoints: Int = 2_000_000, maxTrajectoryParamValues: Int = 20_000_000,
                maxExpressionLength: Int = 4096) {
        self.maxSteps = maxSteps; self.maxParameters = maxParameters; self.maxDatasetRows = maxDatasetRows
        self.maxTrajectoryPoints = maxTrajectoryPoints; self.maxTrajectoryParamValues = maxTrajectoryParamValues
        self.maxExpressionLength = maxExpressionLength
    }
}

/// Joins a JSON path prefix and a member name ("" + "lr" = "lr", "optimizer" + "lr" = "optimizer.lr").
func fieldPath(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : prefix + "." + name
}

/// Every problem found in one spec (at least one), in the order found; thrown by `ExperimentSpec.check`.
public struct SpecErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errors; never empty.
    public var errors: [SpecError]

    /// Wraps a non-empty list of errors.
    public init(_ errors: [SpecError]) { self.errors = errors }

    /// One line per error.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
