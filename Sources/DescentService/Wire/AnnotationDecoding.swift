import DescentCore

/// The body of `PATCH /v1/experiments/{id}` read into an `ExperimentAnnotation`: `tags` (an array of strings)
/// and `note` (a string, or null to remove it), at least one of them. Problems are 422 `invalid_request`.
enum AnnotationDecoding {
    static func decode(_ body: SpecValue) throws(ServiceError) -> ExperimentAnnotation {
        let members = try RequestDecoding.object(body)
        for key in members.keys.sorted() where key != "tags" && key != "note" {
            throw invalid(key, "unknown key; allowed: tags, note")
        }
        guard !members.isEmpty else { throw invalid("tags", "give tags, note or both") }
        var change = ExperimentAnnotation()
        if let value = members["tags"] {
            guard case .array(let items) = value else { throw invalid("tags", "must be an array of strings") }
            guard items.count <= ExperimentAnnotation.maxTags else {
                throw invalid("tags", "has \(items.count) tags; at most \(ExperimentAnnotation.maxTags)")
            }
            var tags: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let tag) = item, !tag.isEmpty, tag.count <= ExperimentAnnotation.maxTagLength else {
                    throw invalid("tags[\(i)]", "must be a non-empty string of at most \(ExperimentAnnotation.maxTagLength) characters")
                }
                tags.append(tag)
            }
            change.tags = tags
        }
        switch members["note"] {
        case nil: break
        case .null?: change.note = .some(nil)
        case .string(let note)? where note.count <= ExperimentAnnotation.maxNoteLength: change.note = .some(note)
        case .string?: throw invalid("note", "is longer than \(ExperimentAnnotation.maxNoteLength) characters")
        default: throw invalid("note", "must be a string or null")
        }
        return change
    }

    private static func invalid(_ field: String, _ message: String) -> ServiceError {
        .invalid(field: field, message: message, code: "invalid_request")
    }
}
