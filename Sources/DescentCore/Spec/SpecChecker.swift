/// Checks untyped JSON against `SpecTables`, naming the exact field path of the first problem.
enum SpecChecker {
    /// Checks an object's members against `parameters`: no unknown keys, required ones present,
    /// each value of the right shape and range. Returns the members.
    static func checkObject(_ value: SpecValue, _ parameters: [ParameterInfo], path: String,
                            ignoring extra: Set<String> = []) throws(SpecError) -> [String: SpecValue] {
        guard let members = value.object else {
            throw SpecError(field: path, message: "must be an object", code: "wrong_type")
        }
        let known = Set(parameters.map(\.name)).union(extra)
        for key in members.keys.sorted() where !known.contains(key) {
            let allowed = parameters.map(\.name).joined(separator: ", ")
            throw SpecError(field: fieldPath(path, key),
                            message: "unknown field; allowed: \(allowed.isEmpty ? "none" : allowed)", code: "unknown_field")
        }
        for p in parameters {
            let field = fieldPath(path, p.name)
            guard let v = members[p.name] else {
                if p.isRequired { throw SpecError(field: field, message: "is required (\(p.summary))", code: "missing_field") }
                continue
            }
            if v.isNull {
                if p.nullable || p.defaultValue != nil { continue }
                throw SpecError(field: field, message: "must not be null", code: "wrong_type")
            }
            try checkValue(v, p.kind, path: field)
        }
        return members
    }

    /// Checks a typed object {"type": …} of `section`; returns its table entry and members.
    static func checkTyped(_ value: SpecValue, section: String, path: String) throws(SpecError) -> (TypeInfo, [String: SpecValue]) {
        guard let members = value.object else {
            throw SpecError(field: path, message: "must be an object with a \"type\"", code: "wrong_type")
        }
        let types = SpecTables.types(of: section)
        let allowed = types.map(\.type).joined(separator: ", ")
        guard let typeValue = members["type"] else {
            throw SpecError(field: fieldPath(path, "type"), message: "is required; allowed: \(allowed)", code: "missing_field")
        }
        guard let name = typeValue.string, let info = types.first(where: { $0.type == name }) else {
            let shown = typeValue.string.map { "'\($0)'" } ?? "value"
            throw SpecError(field: fieldPath(path, "type"), message: "unknown \(section) type \(shown); allowed: \(allowed)",
                            code: "unknown_type")
        }
        var parameters = members
        parameters["type"] = nil
        _ = try checkObject(.object(parameters), info.parameters, path: path)
        return (info, parameters)
    }

    /// Checks one value against a parameter kind.
    static func checkValue(_ v: SpecValue, _ kind: ParameterKind, path: String) throws(SpecError) {
        switch kind {
        case let .number(range):
            guard let x = v.number else { throw wrongType(path, "a number") }
            try inRange(x, range, path)
        case let .integer(range):
            guard let x = v.integer else { throw wrongType(path, "an integer") }
            try inRange(Double(x), range, path)
        case .boolean:
            guard v.bool != nil else { throw wrongType(path, "true or false") }
        case let .string(allowed):
            guard let s = v.string else { throw wrongType(path, "a string") }
            if let allowed, !allowed.contains(s) {
                throw SpecError(field: path, message: "unknown value '\(s)'; allowed: \(allowed.joined(separator: ", "))",
                                code: "invalid_value")
            }
        case let .numberList(range, count):
            guard let items = v.array else { throw wrongType(path, "an array of numbers") }
            if let count, items.count != count {
                throw SpecError(field: path, message: "must have exactly \(count) elements", code: "invalid_value")
            }
            for (i, item) in items.enumerated() { try checkValue(item, .number(range), path: "\(path)[\(i)]") }
        case let .integerList(range):
            guard let items = v.array else { throw wrongType(path, "an array of integers") }
            for (i, item) in items.enumerated() { try checkValue(item, .integer(range), path: "\(path)[\(i)]") }
        case .stringList:
            guard let items = v.array else { throw wrongType(path, "an array of strings") }
            for (i, item) in items.enumerated() where item.string == nil { throw wrongType("\(path)[\(i)]", "a string") }
        case .matrix:
            guard let rows = v.array else { throw wrongType(path, "an array of rows") }
            for (i, row) in rows.enumerated() { try checkValue(row, .numberList(.any, count: nil), path: "\(path)[\(i)]") }
        case let .object(parameters):
            _ = try checkObject(v, parameters, path: path)
        case let .typed(section):
            _ = try checkTyped(v, section: section, path: path)
        }
    }

    private static func inRange(_ x: Double, _ range: NumericRange, _ path: String) throws(SpecError) {
        if !range.contains(x) { throw SpecError(field: path, message: "must be in \(range.text)", code: "out_of_range") }
    }

    private static func wrongType(_ path: String, _ expected: String) -> SpecError {
        SpecError(field: path, message: "must be \(expected)", code: "wrong_type")
    }

    /// A decoder's coding path as a JSON path ("optimizer.betas[1]").
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let i = key.intValue { text += "[\(i)]" } else { text = fieldPath(text, key.stringValue) }
        }
        return text
    }
}
