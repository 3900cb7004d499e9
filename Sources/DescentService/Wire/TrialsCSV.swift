import DescentCore
import Foundation

/// A search study's trials as CSV: one row per trial, in trial order, with a header row.
///
/// Columns: `trial`, `state`, `value` (the objective's value), then one column per searched path (sorted; empty
/// where a conditional parameter was inactive), then `experiments` (replicates run), `diverged` (how many of them
/// ended diverged: such a trial is `complete` with the worst value) and the means over the trial's finished
/// experiments of `final_loss`, `best_loss` and `steps_run` (empty when none has finished).
/// Numbers are written as shortest round-trip decimals, non-finite ones as `Infinity`, `-Infinity`, `NaN`;
/// a field holding a comma, a quote or a line break is quoted (RFC 4180).
enum TrialsCSV {
    /// The CSV text; `experiments` holds the trials' experiments by id (a missing one counts as unfinished).
    static func encode(_ trials: [TrialRecord], experiments: [String: ExperimentRecord]) -> String {
        let paths = Set(trials.flatMap(\.params.keys)).sorted()
        var lines = [(["trial", "state", "value"] + paths + ["experiments", "diverged", "final_loss", "best_loss", "steps_run"]).map(field).joined(separator: ",")]
        for t in trials {
            let summaries = t.experimentIDs.compactMap { experiments[$0]?.summary }
            func mean(_ metric: (RunSummary) -> Double) -> String {
                summaries.isEmpty ? "" : number(summaries.map(metric).reduce(0, +) / Double(summaries.count))
            }
            var row = [String(t.number), t.state.rawValue, t.value.map(number) ?? ""]
            row += paths.map { t.params[$0].map(value) ?? "" }
            let diverged = t.experimentIDs.filter { experiments[$0]?.status == .diverged }.count
            row += [String(t.experimentIDs.count), String(diverged), mean(\.finalLoss), mean(\.bestLoss), mean { Double($0.stepsRun) }]
            lines.append(row.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "Infinity" : "-Infinity" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    private static func value(_ v: SpecValue) -> String {
        switch v {
        case .number(let n): return number(n)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return ""
        case .array, .object: return (try? String(decoding: JSONEncoder().encode(v), as: UTF8.self)) ?? ""
        }
    }

    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
