import Foundation
import Synchronization

/// Experiment events as `NOTIFY` payloads: one event per line, fields tab-separated, the loss as its
/// shortest exact text.
enum EventMessage {
    static func encode(_ id: String, _ events: [ExperimentEvent]) -> String {
        events.map { encode(id, $0) }.joined(separator: "\n")
    }

    static func decodeAll(_ payload: String) -> [(id: String, event: ExperimentEvent)] {
        payload.split(separator: "\n").compactMap { decode(String($0)) }
    }

    static func encode(_ id: String, _ event: ExperimentEvent) -> String {
        switch event {
        case .progress(let done, let step, let loss): return "\(id)\tprogress\t\(done)\t\(step)\t\(loss)"
        case .status(let s): return "\(id)\tstatus\t\(s.rawValue)"
        case .end: return "\(id)\tend"
        case .recheck: return "\(id)\trecheck"
        }
    }

    static func decode(_ payload: String) -> (id: String, event: ExperimentEvent)? {
        let f = payload.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 2 else { return nil }
        switch f[1] {
        case "progress" where f.count == 5:
            guard let done = Int(f[2]), let step = Int(f[3]), let loss = Double(f[4]) else { return nil }
            return (f[0], .progress(stepsDone: done, step: step, loss: loss))
        case "status" where f.count == 3:
            return ExperimentStatus(rawValue: f[2]).map { (f[0], .status($0)) }
        case "end" where f.count == 2:
            return (f[0], .end)
        case "recheck" where f.count == 2:
            return (f[0], .recheck)
        default:
            return nil
        }
    }
}
