import DescentCore
import Foundation
import Synchronization
import Testing
@testable import DescentService

/// One lecture preset run to its end with the core, in process: its experiments by name.
struct PresetRuns {
    /// The checked experiment and its result, per experiment name.
    let runs: [String: (experiment: Experiment, result: RunResult)]

    /// Runs every experiment of preset `name` (a study listing its experiments).
    init(_ name: String) throws {
        let entry = try #require(PresetCatalog.entries.first { $0.name == name }, "no preset \(name)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any])
        let specs = try #require(body["experiments"] as? [[String: Any]], "preset \(name) lists its experiments")
        let experiments = try specs.map { object in
            (label: try #require(object["name"] as? String, "every experiment of \(name) has a name"), run: try Self.experiment(object))
        }
        // The runs of a preset side by side: the MLP presets take a minute in a debug build.
        let results = Mutex([RunResult?](repeating: nil, count: experiments.count))
        DispatchQueue.concurrentPerform(iterations: experiments.count) { i in
            let result = experiments[i].run.run()
            results.withLock { $0[i] = result }
        }
        var runs: [String: (experiment: Experiment, result: RunResult)] = [:]
        for (item, result) in zip(experiments, results.withLock { $0 }) {
            let result = try #require(result)
            #expect(result.summary.stepsRun == item.run.spec.steps, "\(name)/\(item.label) ran to its end")
            #expect(runs[item.label] == nil, "\(name): two experiments named \(item.label)")
            runs[item.label] = (item.run, result)
        }
        self.runs = runs
    }

    /// The runs of preset `name`, computed once per test process (several tests check each preset).
    static func of(_ name: String) throws -> PresetRuns {
        switch name {
        case "saddle-escape": try saddleEscape.get()
        case "batch-size": try batchSize.get()
        case "momentum": try momentum.get()
        case "adaptive": try adaptive.get()
        case "warmup": try warmup.get()
        case "batch-norm": try batchNorm.get()
        case "feature-normalization": try featureNormalization.get()
        default: try PresetRuns(name)
        }
    }

    private static let saddleEscape = Result { try PresetRuns("saddle-escape") }
    private static let batchSize = Result { try PresetRuns("batch-size") }
    private static let momentum = Result { try PresetRuns("momentum") }
    private static let adaptive = Result { try PresetRuns("adaptive") }
    private static let warmup = Result { try PresetRuns("warmup") }
    private static let batchNorm = Result { try PresetRuns("batch-norm") }
    private static let featureNormalization = Result { try PresetRuns("feature-normalization") }

    /// The checked experiment of a spec given as a JSON object.
    static func experiment(_ object: [String: Any]) throws -> Experiment {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try JSONDecoder().decode(ExperimentSpec.self, from: data).validated()
    }

    /// The result of the experiment whose name starts with `prefix` (exactly one must).
    func result(_ prefix: String) throws -> RunResult {
        try run(prefix).result
    }

    /// The experiment and result whose name starts with `prefix` (exactly one must).
    func run(_ prefix: String) throws -> (experiment: Experiment, result: RunResult) {
        let matches = runs.filter { $0.key.hasPrefix(prefix) }
        #expect(matches.count == 1, "one experiment named \(prefix)…, found \(matches.keys.sorted())")
        return try #require(matches.first?.value)
    }
}

extension Trajectory {
    /// Euclidean lengths of the moves between consecutive recorded rows.
    var stepLengths: [Double] {
        guard count > 1 else { return [] }
        return (1..<count).map { row in
            zip(parameters(atRow: row - 1), parameters(atRow: row)).reduce(0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }.squareRoot()
        }
    }
}

/// Whether `a` and `b` agree to `relative` of the larger magnitude.
func close(_ a: Double, _ b: Double, relative: Double) -> Bool { abs(a - b) <= relative * max(abs(a), abs(b)) }
