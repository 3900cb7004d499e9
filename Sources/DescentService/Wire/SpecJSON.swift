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

extension SummaryJSON {
    /// A stored summary's text read back: what `JSONCoding.decode(RunSummary.self, text, snakeCase: true)` gives
    /// (the same values bit for bit: numbers are read by `Double(_:)`, correctly rounded, and "Infinity",
    /// "-Infinity" and "NaN" strings are the non-finite values; unknown keys are ignored, absent optionals are
    /// nil). Why not JSONDecoder: the study driver reads one summary per ended trial, and decoding with it (its
    /// snake_case key conversion included) was a tenth of a 10,000-trial search's CPU time.
    /// - Throws: an internal failure (500) when the text is not such a summary.
    static func decode(_ text: String) throws -> RunSummary {
        let members: [String: SpecValue]
        do {
            guard case .object(let m) = try SpecValue(parsingJSON: Array(text.utf8)) else { throw bad("not an object") }
            members = m
        } catch let error as ServiceError { throw error } catch { throw bad("not JSON") }
        /// A number as JSONCoding writes one: JSON's, or the string of a non-finite value.
        func number(_ value: SpecValue) -> Double? {
            switch value {
            case .number(let x): return x
            case .string("Infinity"): return .infinity
            case .string("-Infinity"): return -.infinity
            case .string("NaN"): return .nan
            default: return nil
            }
        }
        func double(_ key: String) throws -> Double? {
            guard let value = members[key], !value.isNull else { return nil }
            guard let x = number(value) else { throw bad("\(key) is not a number") }
            return x
        }
        func integer(_ key: String) throws -> Int? {
            guard let x = try double(key) else { return nil }
            guard let i = Int(exactly: x) else { throw bad("\(key) is not an integer") }
            return i
        }
        func doubles(_ key: String) throws -> [Double]? {
            switch members[key] {
            case nil, .null?: return nil
            case .array(let items)?:
                return try items.map { item in
                    guard let x = number(item) else { throw bad("\(key) holds a value that is not a number") }
                    return x
                }
            default: throw bad("\(key) is not an array")
            }
        }
        func required<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else { throw bad("\(key) is missing") }
            return value
        }
        guard case .string(let reason)? = members["stop_reason"], let stop = StopReason(rawValue: reason) else {
            throw bad("stop_reason is missing or unknown")
        }
        var s = RunSummary(stopReason: stop, stepsRun: try required(integer("steps_run"), "steps_run"),
                           finalLoss: try required(double("final_loss"), "final_loss"),
                           bestLoss: try required(double("best_loss"), "best_loss"),
                           bestStep: try required(integer("best_step"), "best_step"),
                           bestBatchLoss: try double("best_batch_loss"), bestBatchStep: try integer("best_batch_step"),
                           evaluationEvery: try integer("evaluation_every"),
                           finalParams: try required(doubles("final_params"), "final_params"),
                           finalGradNorm: try required(double("final_grad_norm"), "final_grad_norm"),
                           trainLoss: try double("train_loss"), validationLoss: try double("validation_loss"),
                           validationAccuracy: try double("validation_accuracy"),
                           trainLossBatchStats: try double("train_loss_batch_stats"))
        s.averagedParams = try doubles("averaged_params")
        s.averagedLoss = try double("averaged_loss")
        s.functionEvaluations = try integer("function_evaluations")
        return s
    }

    private static func bad(_ what: String) -> ServiceError {
        .internalFailure("a stored run summary could not be read: \(what)")
    }
}
