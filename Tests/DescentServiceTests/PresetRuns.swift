import DescentCore
import Foundation
import Synchronization
import Testing
@testable import DescentService

/// One lecture preset run to its end with the core, in process: its experiments by name.
struct PresetRuns: Sendable {
    /// The checked experiment and its result, per experiment name.
    let runs: [String: (experiment: Experiment, result: RunResult)]

    /// A preset that is not what the tests expect (missing, unnamed runs, a run that stopped early).
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs every experiment of preset `name` (a study listing its experiments), side by side.
    init(_ name: String) throws {
        guard let entry = PresetCatalog.entries.first(where: { $0.name == name }),
              let body = try JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any],
              let specs = body["experiments"] as? [[String: Any]] else { throw Problem(description: "no preset \(name) listing its experiments") }
        let experiments = try specs.map { object in
            guard let label = object["name"] as? String else { throw Problem(description: "an experiment of \(name) has no name") }
            return (label: label, run: try Self.experiment(object))
        }
        // Threads of their own rather than Dispatch's workers: on Linux, busy workers hold back Swift's
        // cooperative threads, which the server tests of this process need meanwhile.
        let results = Mutex([RunResult?](repeating: nil, count: experiments.count))
        let done = DispatchGroup()
        for i in experiments.indices {
            done.enter()
            Thread.detachNewThread {
                let result = experiments[i].run.run()
                results.withLock { $0[i] = result }
                done.leave()
            }
        }
        done.wait()
        var runs: [String: (experiment: Experiment, result: RunResult)] = [:]
        for (item, result) in zip(experiments, results.withLock { $0 }) {
            guard let result, result.summary.stepsRun == item.run.spec.steps else {
                throw Problem(description: "\(name)/\(item.label) did not run to its end")
            }
            guard runs[item.label] == nil else { throw Problem(description: "\(name): two experiments named \(item.label)") }
            runs[item.label] = (item.run, result)
        }
        self.runs = runs
    }

    /// The runs of preset `name`, computed once per test process (several tests check each preset).
    static func of(_ name: String) async throws -> PresetRuns {
        try await cache.runs(name)
    }

    private static let cache = Cache()

    /// Each preset's runs, computed once on threads of their own: the MLP presets take a minute in a debug
    /// build, and the server tests of this process need Swift's cooperative threads meanwhile.
    private actor Cache {
        private var runs: [String: Task<PresetRuns, any Error>] = [:]

        func runs(_ name: String) async throws -> PresetRuns {
            if let pending = runs[name] { return try await pending.value }
            let pending = Task {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PresetRuns, any Error>) in
                    Thread.detachNewThread { continuation.resume(with: Result { try PresetRuns(name) }) }
                }
            }
            runs[name] = pending
            return try await pending.value
        }
    }

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
