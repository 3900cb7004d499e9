import DescentCore

/// The canonical JSON of a spec written straight into bytes, identical to `JSONCoding.encode(spec)` (tests
/// compare the two), so a submission encodes its spec once, by hand, for the stored text and the response
/// alike instead of running JSONEncoder twice (measured ≈ 9 % of the server's CPU time per small experiment).
enum SpecJSON {
    /// `JSONCoding.encode(spec)`.
    static func encode(_ spec: ExperimentSpec) -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.value(spec.asValue)
        return w.bytes
    }

    /// `JSONCoding.string(tags)`.
    static func tags(_ tags: [String]) -> String {
        var w = JSONWriter(capacity: 64)
        w.raw("[")
        for (i, tag) in tags.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(tag)
        }
        w.raw("]")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

/// A run summary's JSON written straight into bytes, identical to `JSONCoding.string(summary)` (absent
/// optionals omitted, as the synthesized `Encodable` does); the queue writer stores one per finished run.
enum SummaryJSON {
    /// `JSONCoding.string(summary)`.
    static func string(_ s: RunSummary) -> String {
        var w = JSONWriter(capacity: 256)
        w.raw("{")
        if let x = s.averagedLoss { w.key("averaged_loss"); w.number(x); w.raw(",") }
        if let point = s.averagedParams {
            w.key("averaged_params"); w.raw("[")
            for (i, x) in point.enumerated() {
                if i > 0 { w.raw(",") }
                w.number(x)
            }
            w.raw("],")
        }
        if let x = s.bestBatchLoss { w.key("best_batch_loss"); w.number(x); w.raw(",") }
        if let x = s.bestBatchStep { w.key("best_batch_step"); w.integer(x); w.raw(",") }
        w.key("best_loss"); w.number(s.bestLoss)
        w.raw(","); w.key("best_step"); w.integer(s.bestStep)
        if let x = s.evaluationEvery { w.raw(","); w.key("evaluation_every"); w.integer(x) }
        w.raw(","); w.key("final_grad_norm"); w.number(s.finalGradNorm)
        w.raw(","); w.key("final_loss"); w.number(s.finalLoss)
        w.raw(","); w.key("final_params"); w.raw("[")
        for (i, x) in s.finalParams.enumerated() {
            if i > 0 { w.raw(",") }
            w.number(x)
        }
        w.raw("]")
        if let x = s.functionEvaluations { w.raw(","); w.key("function_evaluations"); w.integer(x) }
        w.raw(","); w.key("steps_run"); w.integer(s.stepsRun)
        w.raw(","); w.key("stop_reason"); w.string(s.stopReason.rawValue)
        if let x = s.trainLoss { w.raw(","); w.key("train_loss"); w.number(x) }
        if let x = s.trainLossBatchStats { w.raw(","); w.key("train_loss_batch_stats"); w.number(x) }
        if let x = s.validationAccuracy { w.raw(","); w.key("validation_accuracy"); w.number(x) }
        if let x = s.validationLoss { w.raw(","); w.key("validation_loss"); w.number(x) }
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

extension JSONWriter {
    /// Appends a JSON value as `JSONCoding` encodes it: object members sorted by key, numbers as `number(_:)`.
    /// Keys are written as they are: right for specs, whose keys are snake_case already (the encoder's
    /// snake_case conversion leaves them unchanged), not for arbitrary documents.
    mutating func value(_ v: SpecValue) {
        switch v {
        case .null: raw("null")
        case .bool(let b): if b { raw("true") } else { raw("false") }
        case .number(let d): number(d)
        case .string(let s): string(s)
        case .array(let items):
            raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { raw(",") }
                value(item)
            }
            raw("]")
        case .object(let members):
            raw("{")
            for (i, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if i > 0 { raw(",") }
                string(member.key)
                raw(":")
                value(member.value)
            }
            raw("}")
        }
    }
}
