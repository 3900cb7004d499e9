import DescentCore

/// The experiment resource written straight into bytes, identical to `JSONCoding.encode(ExperimentDTO(record))`
/// (keys sorted, every key present, optional values as null; tests compare the two). The spec and summary
/// come from the record's cached encodings when it was read from the store.
enum ExperimentJSON {
    /// One experiment.
    static func encode(_ record: ExperimentRecord) throws -> [UInt8] {
        var w = JSONWriter(capacity: 1024)
        try write(record, to: &w)
        return w.bytes
    }

    /// A page of experiments: `{"items":[…],"next_cursor":…}`.
    static func page(_ records: [ExperimentRecord], nextCursor: String?) throws -> [UInt8] {
        var w = JSONWriter(capacity: 256 + 1024 * records.count)
        w.raw("{\"items\":[")
        for (i, record) in records.enumerated() {
            if i > 0 { w.raw(",") }
            try write(record, to: &w)
        }
        w.raw("],\"next_cursor\":")
        w.string(nextCursor)
        w.raw("}")
        return w.bytes
    }

    /// Writes one experiment object.
    static func write(_ r: ExperimentRecord, to w: inout JSONWriter) throws {
        w.raw("{")
        w.key("attempts"); w.integer(r.attempt)
        w.raw(","); w.key("created_at"); w.timestamp(r.createdAt)
        w.raw(","); w.key("error")
        if let code = r.errorCode {
            w.raw("{"); w.key("code"); w.string(code)
            w.raw(","); w.key("message"); w.string(r.errorMessage ?? ""); w.raw("}")
        } else {
            w.raw("null")
        }
        w.raw(","); w.key("finished_at"); w.timestamp(r.finishedAt)
        w.raw(","); w.key("id"); w.string(r.id)
        w.raw(","); w.key("name"); w.string(r.spec.name)
        w.raw(","); w.key("progress")
        w.raw("{"); w.key("steps_done"); w.integer(r.stepsDone)
        w.raw(","); w.key("steps_total"); w.integer(r.spec.stepBudget); w.raw("}")
        w.raw(","); w.key("spec")
        w.raw(try r.specJSON?.bytes(for: r.spec) ?? JSONCoding.encode(r.spec))
        w.raw(","); w.key("started_at"); w.timestamp(r.startedAt)
        w.raw(","); w.key("status"); w.string(r.status.rawValue)
        w.raw(","); w.key("study_id"); w.string(r.studyID)
        w.raw(","); w.key("summary")
        if let summary = r.summary {
            w.raw(try r.summaryJSON?.bytes(for: summary) ?? JSONCoding.encode(summary))
        } else {
            w.raw("null")
        }
        w.raw(","); w.key("tags"); w.raw("[")
        for (i, tag) in r.spec.tags.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(tag)
        }
        w.raw("]}")
    }
}
