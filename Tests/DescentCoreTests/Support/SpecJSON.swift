import Foundation
import Testing
@testable import DescentCore

/// The spec `json` describes, checked as the service checks a submission (all fields, fine error codes).
func spec(_ json: String) throws -> ExperimentSpec {
    try ExperimentSpec(checking: SpecValue(parsingJSON: Array(json.utf8)))
}

/// The spec `json` describes, decoded as `Codable` does (the fixtures' way), not checked field by field.
func decodedSpec(_ json: String) throws -> ExperimentSpec {
    try JSONDecoder().decode(ExperimentSpec.self, from: Data(json.utf8))
}

/// "field code" of every error of checking Rosenbrock with `optimizer` (a JSON object) fully; empty when it checks.
func optimizerErrors(_ optimizer: String) throws -> [String] {
    let value = try SpecValue(parsingJSON: Array(#"{"objective":{"type":"rosenbrock"},"optimizer":\#(optimizer)}"#.utf8))
    do {
        _ = try ExperimentSpec.check(value, limits: SpecLimits())
        return []
    } catch { return error.errors.map { "\($0.field) \($0.code)" } }
}

/// The `SpecError` that checking and validating `json` gives, or nil when it is a valid experiment.
/// Any other error is recorded as a test failure.
func checkError(_ json: String) -> SpecError? {
    do {
        _ = try spec(json).validated()
        return nil
    } catch let error as SpecError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// The fields of every error of checking `json` fully (empty when it checks).
func errorFields(_ json: String) throws -> [String] {
    let value = try SpecValue(parsingJSON: Array(json.utf8))
    do throws(SpecErrors) {
        _ = try ExperimentSpec.check(value)
        return []
    } catch {
        return error.errors.map(\.field)
    }
}

/// The validated experiment run twice, with the closed-form fast path allowed and without it.
func fastAndPlainRuns(_ experiment: Experiment) -> (fast: RunResult, plain: RunResult) {
    func run(_ fastPath: Bool) -> RunResult {
        Trainer.run(objective: experiment.objective, optimizer: experiment.optimizer, configuration: experiment.configuration,
                    control: RunControl(), progressEvery: 1024, onProgress: nil, fastPath: fastPath)
    }
    return (run(true), run(false))
}
