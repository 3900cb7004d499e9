/// Checks untyped JSON against `SpecTables.experiment` and the kinds' tables, collecting every problem
/// with its exact field path.
///
/// The collecting functions (`into issues:`) keep going after a problem, so one request learns about
/// every wrong field at once; `SpecIssues.firstError` stops at the first, for callers that need one error.
enum SpecChecker {
    /// Checks an object's members against `parameters`: no unknown keys, required ones present,
    /// each value of the right shape and range. Returns the members (nil when it is not an object).
    static func checkObject(_ value: SpecValue, _ parameters: [ParameterInfo], path: String,
                            into issues: inout SpecIssues) -> [String: SpecValue]? {
        guard let members = value.object else {
            issues.add(SpecError(field: path, message: "must be an object", code: "wrong_type"))
            return nil
        }
        // A linear search of the few parameters, and sorting only when a key is unknown: building a set of
        // the names per object took a fifth of the whole check of a valid spec.
        func isKnown(_ key: String) -> Bool { parameters.contains { $0.name == key } }
        if !members.keys.allSatisfy(isKnown) {
            let allowed = parameters.map(\.name).joined(separator: ", ")
            for key in members.keys.sorted() where !isKnown(key) {
                issues.add(SpecError(field: fieldPath(path, key),
                                     message: "unknown field; allowed: \(allowed.isEmpty ? "none" : allowed)", code: "unknown_field"))
            }
        }
        for p in parameters {
            guard let v = members[p.name] else {
                if p.isRequired { issues.add(SpecError(field: fieldPath(path, p.name), message: "is required (\(p.summary))", code: "missing_field")) }
                continue
            }
            let field = fieldPath(path, p.name)
            if v.isNull {
                if p.nullable || p.defaultValue != nil { continue }
                issues.add(SpecError(field: field, message: "must not be null", code: "wrong_type"))
                continue
            }
            checkValue(v, p.kind, path: field, into: &issues)
        }
        return members
    }

    /// Checks a typed object {"type": …} of `Kind`'s section, parsing the name into the kind (the one
    /// place names are matched); returns the kind and the other members (nil when the type itself is
    /// missing or unknown, so its parameters cannot be checked).
    static func checkTyped<Kind: SectionKind>(_ value: SpecValue, _: Kind.Type, path: String,
                                              into issues: inout SpecIssues) -> (Kind, [String: SpecValue])? {
        guard let members = value.object else {
            issues.add(SpecError(field: path, message: "must be an object with a \"type\"", code: "wrong_type"))
            return nil
        }
        guard let typeValue = members["type"] else {
            issues.add(SpecError(field: fieldPath(path, "type"), message: "is required; allowed: \(Kind.allowedNames)", code: "missing_field"))
            return nil
        }
        guard let name = typeValue.string, let kind = Kind(rawValue: name) else {
            let shown = typeValue.string.map { "'\($0)'" } ?? "value"
            issues.add(SpecError(field: fieldPath(path, "type"),
                                 message: "unknown \(Kind.section.rawValue) type \(shown); allowed: \(Kind.allowedNames)",
                                 code: "unknown_type"))
            return nil
        }
        var parameters = members
        parameters["type"] = nil
        _ = checkObject(.object(parameters), kind.parameters, path: path, into: &issues)
        return (kind, parameters)
    }

    /// Checks one value against a parameter kind.
    static func checkValue(_ v: SpecValue, _ kind: ParameterKind, path: String, into issues: inout SpecIssues) {
        switch kind {
        case let .number(range):
            guard let x = v.number else { return issues.add(wrongType(path, "a number")) }
            inRange(x, range, path, into: &issues)
        case let .integer(range):
            guard let x = v.number else { return issues.add(wrongType(path, "an integer")) }
            guard x.isFinite else { return issues.add(notFinite(path)) }
            guard let n = v.integer else { return issues.add(wrongType(path, "an integer")) }
            inRange(Double(n), range, path, into: &issues)
        case .boolean:
            if v.bool == nil { issues.add(wrongType(path, "true or false")) }
        case let .string(allowed):
            guard let s = v.string else { return issues.add(wrongType(path, "a string")) }
            if let allowed, !allowed.contains(s) {
                issues.add(SpecError(field: path, message: "unknown value '\(s)'; allowed: \(allowed.joined(separator: ", "))",
                                     code: "invalid_value"))
            }
        case let .numberList(range, count):
            guard let items = v.array else { return issues.add(wrongType(path, "an array of numbers")) }
            if let count, items.count != count {
                return issues.add(SpecError(field: path, message: "must have exactly \(count) elements", code: "invalid_value"))
            }
            for (i, item) in items.enumerated() where !issues.isFull { checkValue(item, .number(range), path: "\(path)[\(i)]", into: &issues) }
        case let .integerList(range):
            guard let items = v.array else { return issues.add(wrongType(path, "an array of integers")) }
            for (i, item) in items.enumerated() where !issues.isFull { checkValue(item, .integer(range), path: "\(path)[\(i)]", into: &issues) }
        case .stringList:
            guard let items = v.array else { return issues.add(wrongType(path, "an array of strings")) }
            for (i, item) in items.enumerated() where item.string == nil && !issues.isFull { issues.add(wrongType("\(path)[\(i)]", "a string")) }
        case .matrix:
            guard let rows = v.array else { return issues.add(wrongType(path, "an array of rows")) }
            for (i, row) in rows.enumerated() where !issues.isFull {
                checkValue(row, .numberList(.any, count: nil), path: "\(path)[\(i)]", into: &issues)
            }
        case let .object(parameters):
            _ = checkObject(v, parameters, path: path, into: &issues)
        case .typed(.objective): _ = checkTyped(v, ObjectiveKind.self, path: path, into: &issues)
        case .typed(.dataset): _ = checkTyped(v, DatasetKind.self, path: path, into: &issues)
        case .typed(.optimizer): _ = checkTyped(v, OptimizerKind.self, path: path, into: &issues)
        case .typed(.schedule): _ = checkTyped(v, ScheduleKind.self, path: path, into: &issues)
        case .typed(.transform): _ = checkTyped(v, TransformKind.self, path: path, into: &issues)
        case let .parameterGroups(options):
            guard let groups = v.array else { return issues.add(wrongType(path, "an array of parameter groups")) }
            for (i, group) in groups.enumerated() where !issues.isFull {
                let groupPath = "\(path)[\(i)]"
                let members = checkObject(group, [ParameterGroupSelection.parameter] + options, path: groupPath, into: &issues)
                if let selection = members?["params"]?.array, selection.isEmpty {
                    issues.add(SpecError(field: groupPath + ".params", message: "must name at least one tensor", code: "invalid_value"))
                }
            }
        case let .typedList(section):
            guard let items = v.array else { return issues.add(wrongType(path, "an array of objects with a \"type\"")) }
            for (i, item) in items.enumerated() where !issues.isFull { checkValue(item, .typed(section: section), path: "\(path)[\(i)]", into: &issues) }
        }
    }

    private static func inRange(_ x: Double, _ range: NumericRange, _ path: String, into issues: inout SpecIssues) {
        if !x.isFinite { return issues.add(notFinite(path)) }
        if !range.contains(x) { issues.add(SpecError(field: path, message: "must be in \(range.text)", code: "out_of_range")) }
    }

    /// A number too large for a Double (e.g. 1e400 in the JSON text) or ±∞/NaN.
    private static func notFinite(_ path: String) -> SpecError {
        SpecError(field: path, message: "must be a finite number", code: "out_of_range")
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

/// Spec errors collected while checking, in the order found, at most `limit` of them.
struct SpecIssues {
    /// The errors found so far.
    private(set) var errors: [SpecError] = []
    /// Most errors kept; later ones are dropped.
    let limit: Int

    /// An empty collection keeping at most `limit` errors (at least 1).
    init(limit: Int) { self.limit = max(1, limit) }

    /// Whether no more errors will be kept.
    var isFull: Bool { errors.count >= limit }

    /// Keeps `error` unless the limit is reached.
    mutating func add(_ error: SpecError) { if !isFull { errors.append(error) } }

    /// Runs a collecting check that keeps one problem, and throws that problem if there is one.
    static func firstError<T>(_ check: (inout SpecIssues) -> T) throws(SpecError) -> T {
        var issues = SpecIssues(limit: 1)
        let result = check(&issues)
        if let first = issues.errors.first { throw first }
        return result
    }
}
